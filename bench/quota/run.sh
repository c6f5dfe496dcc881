#!/usr/bin/env bash
# Admission cost and database round trips per request at steady state (io.ascendant.gateway.quota.QuotaAdmissionBench).
# Starts an embedded PostgreSQL on 127.0.0.1 (or uses ASCENDANT_TEST_JDBC_URL), creates a fresh database, runs
# the benchmark and prints its numbers. Usage: bench/quota/run.sh [warm-up requests] [measured requests]
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -B -q -o -pl gateway -am install -DskipTests -Dquarkus.analytics.disabled=true
./mvnw -B -q -o -pl gateway test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/quota-bench-cp.txt -Dquarkus.analytics.disabled=true
CP="gateway/target/test-classes:gateway/target/classes:$(cat gateway/target/quota-bench-cp.txt)"
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$CP" \
  io.ascendant.gateway.quota.QuotaAdmissionBench "${1:-20000}" "${2:-100000}"
