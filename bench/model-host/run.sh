#!/usr/bin/env bash
# Model-host benchmarks on the demo checkpoint:
#   flock /tmp/ascendant-bench.lock bench/model-host/run.sh [MODEL_DIR]
# PARTS selects what runs (default "streams prefix overhead"); MAX_TOKENS the stream length (default 32);
# BENCH_PORT the host's port (default 18190). Every result line is followed by the load average at that moment.
#   streams   1, 4 and 16 concurrent streamed chats: output tok/s, TTFT p50/p99, per-stream decode tok/s
#   prefix    TTFT of ~1,000-token prompts sharing 90 % of their tokens against a host with the prefix cache and a
#             second one without it, requests alternating between them (PREFIX_REQUESTS each, default 9)
#   overhead  batch-1 decode ms/token through HTTP + scheduler (HostBench decode) against the bare engine's decode
#             loop (BareDecode), alternated bare/host/bare/host on the same checkpoint; prints the overhead in % of
#             wall time per token and of process CPU time per token (all threads: HTTP, JSON, GC, JIT included;
#             less sensitive to other load on the machine than wall time). DECODE_TOKENS per stream, default 128.
# Needs model-host/server built (target/quarkus-app).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
APP="$ROOT/model-host/server/target/quarkus-app"
DIR="${1:-$HOME/.ascendant/models/demo}"
PORT="${BENCH_PORT:-18190}"
PARTS="${PARTS:-streams prefix overhead}"
FLAGS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dquarkus.analytics.disabled=true)
B="$ROOT/bench/model-host"
[ -f "$DIR/config.json" ] || "$JAVA" "${FLAGS[@]}" -cp "$APP/lib/main/*" io.ascendant.engine.demo.GenerateDemoCheckpoint "$DIR" demo

HOST_PID=
OFF_PID=
# start_host PORT LOG [-Dkey=value ...]
start_host() {
    local port="$1" log="$2"
    shift 2
    "$JAVA" -Xmx3g "${FLAGS[@]}" -Dquarkus.http.port="$port" -Dquarkus.http.host=127.0.0.1 -Dmodelhost.model-dir="$DIR" \
        -Dmodelhost.max-running-sequences=16 "$@" -jar "$APP/quarkus-run.jar" >"$log" 2>&1 &
    LAST_PID=$!
    until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health")" = "200" ]; do sleep 1; done
}
stop_pid() { [ -z "$1" ] || { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }; }
trap 'stop_pid "$HOST_PID"; stop_pid "$OFF_PID"' EXIT
load() { echo "    (load average $(cut -d' ' -f1-3 /proc/loadavg))"; }
bench() { "$JAVA" "$B/HostBench.java" "http://127.0.0.1:$PORT" "$@"; load; }
bare() { "$JAVA" "${FLAGS[@]}" -cp "$APP/lib/main/*" "$B/BareDecode.java" "$DIR" "$@" 2>/dev/null | grep '^bare'; load; }
ms_of() { grep -o '[0-9.]* ms/token' | head -n 1 | cut -d' ' -f1; }
cpu_of() { grep -o 'CPU [0-9.]* ms/token' | head -n 1 | cut -d' ' -f2; }

echo "machine: $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC'), $(git -C "$ROOT" rev-parse --short HEAD)"
load
start_host "$PORT" /tmp/bench-model-host.log
HOST_PID=$LAST_PID
case " $PARTS " in *" streams "*)
    for n in 1 4 16; do bench streams "$n" "${MAX_TOKENS:-32}"; done ;;
esac
case " $PARTS " in *" prefix "*)
    # a second host without the prefix cache; requests alternate between the two so both see the same load
    start_host "$((PORT + 1))" /tmp/bench-model-host-nocache.log -Dmodelhost.prefix-cache.enabled=false
    OFF_PID=$LAST_PID
    bench prefix "${PREFIX_REQUESTS:-9}" 4 "http://127.0.0.1:$((PORT + 1))"
    stop_pid "$OFF_PID"; OFF_PID= ;;
esac
case " $PARTS " in *" overhead "*)
    TOKENS="${DECODE_TOKENS:-128}"
    b1="$(bare "$TOKENS" 5)"; echo "$b1"
    h1="$(bench decode 5 "$TOKENS" "$HOST_PID")"; echo "$h1"
    b2="$(bare "$TOKENS" 5)"; echo "$b2"
    h2="$(bench decode 5 "$TOKENS" "$HOST_PID")"; echo "$h2"
    awk -v b1="$(echo "$b1" | ms_of)" -v b2="$(echo "$b2" | ms_of)" -v h1="$(echo "$h1" | ms_of)" \
        -v h2="$(echo "$h2" | ms_of)" -v cb1="$(echo "$b1" | cpu_of)" -v cb2="$(echo "$b2" | cpu_of)" \
        -v ch1="$(echo "$h1" | cpu_of)" -v ch2="$(echo "$h2" | cpu_of)" 'BEGIN {
        b = (b1 + b2) / 2; h = (h1 + h2) / 2; cb = (cb1 + cb2) / 2; ch = (ch1 + ch2) / 2;
        printf "HTTP + scheduler overhead at batch 1: wall %.2f vs bare %.2f ms/token = %+.1f %% of decode time;" \
            " CPU %.2f vs bare %.2f ms/token = %+.1f %%\n", h, b, 100 * (h - b) / b, ch, cb, 100 * (ch - cb) / cb }'
    load ;;
esac
stop_pid "$HOST_PID"
HOST_PID=
