package dev.brigade.manager.cli;

import dev.brigade.manager.demo.Demo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code brigade demo}: shows what Brigade does, on this machine, in a few seconds. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the demo (about 35 s, loopback only, leaves nothing running): the demo server on every core "
            + "sharing one port, under load, a worker killed and replaced, a rolling reload under load; then CPU work "
            + "inline vs on a WorkerPool. Prints what it measured; exit code 0 only if every check held."})
final class DemoCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Override
    public Integer call() {
        return Demo.run(main.out);
    }
}
