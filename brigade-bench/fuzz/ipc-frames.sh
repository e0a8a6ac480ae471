#!/usr/bin/env bash
# Fuzzes Brigade's IPC decoders (frame codec, the channel's stream reader, the compact message
# codec) with Jazzer for N seconds (default 60). Never part of `mvn verify`.
#
#   brigade-bench/fuzz/ipc-frames.sh [seconds]
#
# Needs: a JDK >= 21 (JAVA_HOME or the newest /usr/lib/jvm/*), Maven (fetches the pinned Jazzer
# once), and the modules built: mvn -B -DskipTests install -pl brigade-bench -am
# The heap and direct memory are capped: each input opens a channel whose direct buffers are freed
# by GC, which a big default heap postpones past libFuzzer's RSS limit.
# Findings (crash-*, timeout-*) land in brigade-bench/target/fuzz/; the corpus is kept there too.
set -euo pipefail
JAZZER_VERSION=0.30.0
secs="${1:-60}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/brigade-bench/target/fuzz"
mkdir -p "$out/corpus"
java="${JAVA_HOME:+$JAVA_HOME/bin/java}"
[ -n "$java" ] && [ -x "$java" ] || java="$(ls -d /usr/lib/jvm/*/bin/java | sort -V | tail -n1)"
repo="$HOME/.m2/repository/com/code-intelligence"
jar="$repo/jazzer/$JAZZER_VERSION/jazzer-$JAZZER_VERSION.jar:$repo/jazzer-api/$JAZZER_VERSION/jazzer-api-$JAZZER_VERSION.jar"
[ -f "$repo/jazzer/$JAZZER_VERSION/jazzer-$JAZZER_VERSION.jar" ] || mvn -B -q dependency:get -Dartifact="com.code-intelligence:jazzer:$JAZZER_VERSION"
cp_file="$out/classpath.txt"
(cd "$root" && mvn -B -q -o dependency:build-classpath -pl brigade-bench -DincludeScope=runtime -Dmdep.outputFile="$cp_file" >/dev/null)
cd "$out"
exec "$java" -Xmx1g -XX:MaxDirectMemorySize=128m -XX:+EnableDynamicAgentLoading --enable-native-access=ALL-UNNAMED -cp "$jar:$root/brigade-bench/target/classes:$(cat "$cp_file")" com.code_intelligence.jazzer.Jazzer \
  --target_class=dev.brigade.bench.cluster.IpcFrameFuzz -max_total_time="$secs" -max_len=4096 -rss_limit_mb=2048 corpus
