/**
 * The {@code brigade} command: its CLI (picocli) and the demo. Later also the daemon,
 * its control protocol and the dashboard. Nothing here is API: no package is exported.
 */
module dev.brigade.manager {
    requires dev.brigade.worker;
    requires info.picocli;
    requires jdk.httpserver;
    requires java.net.http;
    requires HdrHistogram;

    // picocli fills the command objects by reflection
    opens dev.brigade.manager.cli to info.picocli;
}
