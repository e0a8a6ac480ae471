/**
 * The {@code brigade} command: its CLI (picocli) and the demo. The daemon, its control
 * protocol, logs and brigade.yaml. Nothing here is API: no package is exported.
 */
module dev.brigade.manager {
    requires dev.brigade.worker;
    requires dev.brigade.cluster;
    requires com.fasterxml.jackson.databind;
    requires org.snakeyaml.engine.v2;
    requires info.picocli;
    requires jdk.httpserver;
    requires java.net.http;
    requires jdk.net;         // SO_PEERCRED: the daemon serves only its own user
    requires jdk.unsupported; // sun.misc.Signal: SIGTERM/SIGINT stop the daemon gracefully
    requires java.logging; // the demo quiets the cluster's INFO lines
    requires HdrHistogram;
    requires micrometer.core;                 // /metrics: Micrometer's Prometheus registry, and ClusterMetrics
    requires micrometer.registry.prometheus;
    requires com.sun.jna;                     // systemd's notify protocol: a Unix datagram socket (SdNotify)
    requires dev.brigade.testing;
    requires dev.brigade.examples.demo; // the demo's CPU work (HashWork) is the demo server's own

    // picocli fills the command objects by reflection
    opens dev.brigade.manager.cli to info.picocli;
    // Jackson reads and writes the control protocol's records by reflection
    opens dev.brigade.manager.daemon to com.fasterxml.jackson.databind;
}
