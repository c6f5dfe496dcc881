#!/usr/bin/env bash
# Usage-ledger group-commit throughput against an embedded PostgreSQL (fsync + synchronous_commit on).
# and record() latency p50/p99 at concurrency 1 (idle database) before the throughput phase.
# Usage: bench/billing/run-ledger-throughput.sh [callers=2000] [seconds=20] [maxBatch=2000] [writers=2] [latencySamples=2000] [warmupSeconds=10]
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
CP_FILE=target/bench-billing-classpath.txt
mkdir -p target
if [[ ! -s "$CP_FILE" || billing/pom.xml -nt "$CP_FILE" ]]; then
  ./mvnw -B -q -o -pl gateway dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$CP_FILE" \
    -Dquarkus.analytics.disabled=true >/dev/null
fi
CP="billing/target/classes:$(cat "$CP_FILE")"
exec "$JAVA_HOME/bin/java" -cp "$CP" -Xmx2g bench/billing/LedgerThroughput.java \
  src-migrations/src/main/resources/db/migration "$@"
