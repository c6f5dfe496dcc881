#!/usr/bin/env bash
# Tenancy benchmarks: keyset pagination over N API keys of one tenant, and warm API-key verification of a known vs
# an unknown key. Embedded PostgreSQL 17 migrated with the project's scripts. Prints numbers, asserts nothing.
# Usage: bench/tenancy/run-key-paging.sh [keys=100000] [pageSize=500]
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
CP_FILE=target/bench-tenancy-classpath.txt
mkdir -p target
if [[ ! -s "$CP_FILE" || tenancy/pom.xml -nt "$CP_FILE" ]]; then
  ./mvnw -B -q -o -pl gateway dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$CP_FILE" \
    -Dquarkus.analytics.disabled=true >/dev/null
fi
CP="tenancy/target/classes:$(cat "$CP_FILE")"
exec "$JAVA_HOME/bin/java" -cp "$CP" -Xmx2g bench/tenancy/KeyPaging.java \
  src-migrations/src/main/resources/db/migration "$@"
