# Shared helpers of the gateway benchmarks (sourced). Everything runs on 127.0.0.1 and stops by itself.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
APP="$ROOT/gateway/target/quarkus-app"
TEST_CLASSES="$ROOT/gateway/target/test-classes"
CP="$TEST_CLASSES:$APP/lib/main/*"
JVM_FLAGS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dquarkus.analytics.disabled=true)
PEPPER="bench-only-pepper-0123456789abcdef0123456789abcdef"
WORK="$(mktemp -d /tmp/ascendant-bench-XXXXXX)"
PIDS=()

cleanup() {
    for pid in "${PIDS[@]:-}"; do
        [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]:-}"; do
        [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT

require_build() {
    if [ ! -f "$APP/quarkus-run.jar" ] || [ ! -f "$TEST_CLASSES/io/ascendant/gateway/fakehost/FakeModelHost.class" ]; then
        echo "Build first: ./mvnw -B -pl gateway -am install -DskipTests" >&2
        exit 1
    fi
    command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
}

# cpu_idle_state: how this machine's idle CPUs wait for work, printed with the results because it moves
# concurrency-1 latency more than anything in the gateway. In a KVM guest with the cpuidle "haltpoll" driver,
# guest_halt_poll_ns=0 means an idle vCPU halts at once, so every wake-up of a thread on it (four per request through
# the gateway at concurrency 1) costs a VM exit and re-entry; the kernel's default is 200000 (poll up to 200 us first).
cpu_idle_state() {
    local d=/sys/devices/system/cpu/cpuidle h=/sys/module/haltpoll/parameters/guest_halt_poll_ns
    local driver governor
    driver="$(cat "$d/current_driver" 2>/dev/null || echo unknown)"
    governor="$(cat "$d/current_governor_ro" 2>/dev/null || cat "$d/current_governor" 2>/dev/null || echo unknown)"
    if [ -r "$h" ]; then
        echo "cpuidle driver $driver, governor $governor, guest_halt_poll_ns $(cat "$h")"
    else
        echo "cpuidle driver $driver, governor $governor"
    fi
}

# start_fake_host <port> [jvm props...]
start_fake_host() {
    local port="$1"
    shift
    "$JAVA" -Xmx256m "$@" -cp "$CP" io.ascendant.gateway.fakehost.FakeModelHost "$port" "fake-$port" \
        >"$WORK/fake-$port.log" 2>&1 &
    PIDS+=("$!")
    wait_http "http://127.0.0.1:$port/health" 60
}

# start_gateway <http-port> <pg-port> <endpoints (comma separated)> [extra -D properties...]
start_gateway() {
    local port="$1" pg="$2" endpoints="$3"
    shift 3
    ASCENDANT_HOME="$WORK/home-$port" ASCENDANT_POSTGRES_PORT="$pg" TENANCY_API_KEYS_PEPPER="$PEPPER" \
        "$JAVA" -Xmx1g "${JVM_FLAGS[@]}" \
        -Dquarkus.http.port="$port" \
        -Dquarkus.oidc.tenant-enabled=false \
        -Dquarkus.log.level=WARN \
        -Dgateway.catalogue.pools.bench.endpoints="$endpoints" \
        -Dgateway.catalogue.models.deepseek-v4-flash.pool=bench \
        "$@" \
        -jar "$APP/quarkus-run.jar" >"$WORK/gateway-$port.log" 2>&1 &
    PIDS+=("$!")
    wait_http "http://127.0.0.1:$port/q/health/ready" 240
    GW_JDBC="jdbc:postgresql://127.0.0.1:$pg/ascendant"
    GW_DB_PASSWORD="$(cat "$WORK/home-$port/data/postgres.password")"
}

new_key() {
    "$JAVA" -cp "$CP" io.ascendant.gateway.bench.BenchKeys create "$GW_JDBC" postgres "$GW_DB_PASSWORD" "$PEPPER"
}

ledger_count() {
    "$JAVA" -cp "$CP" io.ascendant.gateway.bench.BenchKeys count "$GW_JDBC" postgres "$GW_DB_PASSWORD"
}

wait_http() {
    local url="$1" seconds="$2"
    for _ in $(seq 1 $((seconds * 4))); do
        if [ "$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)" = "200" ]; then
            return 0
        fi
        sleep 0.25
    done
    echo "not ready after ${seconds}s: $url (logs in $WORK)" >&2
    exit 1
}
