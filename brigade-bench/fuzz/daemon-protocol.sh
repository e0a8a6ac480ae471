#!/usr/bin/env bash
# Fuzzes the daemon's control protocol with Jazzer for N seconds (default 60): the long run of
# brigade-manager's DaemonProtocolFuzzTest, whose 15 s run is part of every `mvn verify`.
#
#   brigade-bench/fuzz/daemon-protocol.sh [seconds]
#
# A real daemon runs inside the fuzzing JVM (its own private BRIGADE_HOME under /tmp), so Jazzer's
# coverage instrumentation sees the control socket's connections, the decoder, the dispatcher and
# the launcher's pipe. Inputs are arbitrary bytes, frames of junk JSON, wrong types, huge numbers,
# unknown commands, lying lengths, truncated and oversized frames on the socket, and junk lines into
# ls.fifo; after each one the daemon must have answered as the protocol says and must still serve a
# real client (see the test's javadoc, and docs/security.md).
#
# Needs: a JDK >= 21 and Maven (the build selects the JDK through toolchains, as `mvn verify` does).
# Prints the run's figures: executions, execs/s, corpus size, findings, and that the daemon still
# served. Exit code: Maven's (non-zero on a finding). Findings (crash-*) land in
# brigade-manager/target/fuzz/; copy one into
# brigade-manager/src/test/resources/dev/brigade/manager/daemon/DaemonProtocolFuzzTestInputs/controlSocketAndPipes/
# (named finding-WHAT) once the daemon is fixed, so every later run replays it. The generated corpus
# stays in brigade-manager/target/fuzz/.cifuzz-corpus, and a later run starts from it.
set -euo pipefail
secs="${1:-60}"
if ! [[ "$secs" =~ ^[1-9][0-9]*$ ]]; then
  echo "daemon-protocol.sh: seconds must be a positive whole number, got '$secs' (e.g. daemon-protocol.sh 60)" >&2
  exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
report="$root/brigade-manager/target/fuzz/daemon-protocol-report.txt"
rm -f "$report"
cd "$root"
# -Dtest keeps every other test out (the fuzz test's seeds are replayed once more by the ordinary
# execution); -Pdaemon-fuzz turns the fuzzing execution on despite -Dtest
set +e
mvn -B -q verify -pl brigade-manager -am -Pdaemon-fuzz \
  -Dtest=DaemonProtocolFuzzTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbrigade.fuzz.seconds="$secs" -Dbrigade.fuzz.forkTimeout="$((secs + 900))"
code=$?
set -e
if [ -f "$report" ]; then
  cat "$report"
else
  echo "daemon-protocol.sh: no report ($report): the fuzz run did not get to its end; see the output above" >&2
fi
exit "$code"
