/**
 * Brigade's cluster: Node's {@code cluster} model for the JVM. A primary spawns worker JVMs
 * natively (so chosen descriptors can be inherited and nothing else leaks), talks to them over
 * a Unix domain socket, and supervises them. Start at {@link dev.brigade.cluster.Cluster}.
 */
module dev.brigade.cluster {
    requires com.sun.jna;
    requires com.fasterxml.jackson.databind;
    requires java.management;
    requires static micrometer.core; // ClusterMetrics only (optional dependency)

    exports dev.brigade.cluster;
}
