/** Test harnesses: {@link dev.brigade.testing.HttpLoad}, a loopback HTTP load client that hides no failure. */
module dev.brigade.testing {
    requires HdrHistogram; // no Automatic-Module-Name in its manifest: named after the jar

    exports dev.brigade.testing;
}
