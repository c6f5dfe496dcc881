#!/usr/bin/env bash
# Model-host benchmarks on the demo checkpoint: ./bench/model-host/run.sh [MODEL_DIR]
# Starts the host twice on 127.0.0.1 (prefix cache on, then off), prints streams 1/4/16, the shared-prefix TTFT and
# the bare engine's batch-1 decode for the overhead comparison. Needs model-host/server built (quarkus-app).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
APP="$ROOT/model-host/server/target/quarkus-app"
DIR="${1:-$HOME/.ascendant/models/demo}"
PORT="${BENCH_PORT:-18190}"
FLAGS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dquarkus.analytics.disabled=true)
B="$ROOT/bench/model-host"
[ -f "$DIR/config.json" ] || "$JAVA" "${FLAGS[@]}" -cp "$APP/lib/main/*" io.ascendant.engine.demo.GenerateDemoCheckpoint "$DIR" demo

start_host() {
    "$JAVA" -Xmx3g "${FLAGS[@]}" -Dquarkus.http.port="$PORT" -Dquarkus.http.host=127.0.0.1 -Dmodelhost.model-dir="$DIR" \
        -Dmodelhost.max-running-sequences=16 "$@" -jar "$APP/quarkus-run.jar" >"/tmp/bench-model-host.log" 2>&1 &
    HOST_PID=$!
    until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health")" = "200" ]; do sleep 1; done
}
stop_host() { kill -TERM "$HOST_PID"; wait "$HOST_PID" || true; }

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
start_host
for n in 1 4 16; do "$JAVA" "$B/HostBench.java" "http://127.0.0.1:$PORT" streams "$n" "${MAX_TOKENS:-32}"; done
echo -n "prefix cache on:  "; "$JAVA" "$B/HostBench.java" "http://127.0.0.1:$PORT" prefix 5 4
stop_host
start_host -Dmodelhost.prefix-cache.enabled=false
echo -n "prefix cache off: "; "$JAVA" "$B/HostBench.java" "http://127.0.0.1:$PORT" prefix 5 4
stop_host
"$JAVA" "${FLAGS[@]}" -cp "$APP/lib/main/*" "$B/BareDecode.java" "$DIR" 64
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
