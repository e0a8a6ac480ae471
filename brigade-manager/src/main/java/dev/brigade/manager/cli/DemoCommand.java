package dev.brigade.manager.cli;

import dev.brigade.manager.demo.Demo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code brigade demo}: shows what Brigade does, on this machine, in a few seconds. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs the demo: starts workers, passes messages and shared memory, prints what happened.")
final class DemoCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Override
    public Integer call() {
        return Demo.run(main.out);
    }
}
