#!/usr/bin/env bash
# Drafting 1,000 tenants' invoices over 10 million usage rows, from the daily rollups (embedded PostgreSQL).
# Usage: bench/billing/run-invoice-drafting.sh [rows=10000000] [tenants=1000]
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
exec "$JAVA_HOME/bin/java" -cp "$CP" -Xmx3g bench/billing/InvoiceDraftingBench.java \
  src-migrations/src/main/resources/db/migration "$@"
