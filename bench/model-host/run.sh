#!/usr/bin/env bash
# Model-host benchmarks, through HTTP against a real host process:
#   flock /tmp/ascendant-bench.lock bench/model-host/run.sh [MODEL_DIR]
# MODEL selects the checkpoint when MODEL_DIR is not given:
#   synthetic (default)  a mid-size checkpoint of the real V4 structure (SyntheticHostCheckpoint.java: V4-Flash widths,
#                        4 layers with ratios 0/4/128/4, 16 experts top 6, vocab 129280 with the V4 tokenizer;
#                        3.35 GB mapped, 1.75 GB of weights read per decoded token), generated once into
#                        $BENCH_DIR/synthetic-v4-host (default /tmp/ascendant-bench) and reused while its config is
#                        unchanged
#   demo                 the tiny demo checkpoint (D 128, 70 MB) in ~/.ascendant/models/demo
# PARTS selects what runs (default "streams prefix overhead"); BENCH_PORT the host's port (default 18190). Every
# result line is followed by the load average at that moment. Sizes default per MODEL (synthetic / demo) so that
# the whole run stays within a few minutes on 2 cores:
#   streams   1, 4, 8 and 16 concurrent streamed chats of STREAM_WORDS-word prompts (8 / 30), MAX_TOKENS each
#             (24 / 32): output tok/s, TTFT p50/p99, per-stream decode tok/s, and the aggregate decode tok/s while
#             all streams decode together, then that figure per batch size against one stream
#   prefix    TTFT of PREFIX_WORDS-word prompts (400 / 1000; about one token per word) sharing 90 % of their words
#             against a host with the prefix cache and a second one without it, requests alternating between them
#             (PREFIX_REQUESTS each, 3 / 9)
#   overhead  batch-1 decode ms/token through HTTP + scheduler (HostBench decode) against the bare engine's decode
#             loop (BareDecode), alternated bare/host/bare/host on the same checkpoint, DECODE_REPS sequences (3 / 5)
#             of DECODE_TOKENS tokens (24 / 128) each; prints the overhead in % of wall time per token and of process
#             CPU time per token (all threads: HTTP, JSON, GC, JIT included; less sensitive to other load on the
#             machine than wall time)
# Needs model-host/server built (target/quarkus-app).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
APP="$ROOT/model-host/server/target/quarkus-app"
MODEL="${MODEL:-synthetic}"
PORT="${BENCH_PORT:-18190}"
PARTS="${PARTS:-streams prefix overhead}"
FLAGS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dquarkus.analytics.disabled=true)
B="$ROOT/bench/model-host"
case "$MODEL" in
    synthetic)
        DIR="${1:-${BENCH_DIR:-/tmp/ascendant-bench}/synthetic-v4-host}"
        # the generator holds the tensors in memory before writing them (about 6 GB at its peak)
        "$JAVA" -Xmx8g "${FLAGS[@]}" -cp "$APP/lib/main/*" "$B/SyntheticHostCheckpoint.java" "$DIR" 2>/dev/null
        STREAM_WORDS="${STREAM_WORDS:-8}" MAX_TOKENS="${MAX_TOKENS:-24}" PREFIX_WORDS="${PREFIX_WORDS:-400}"
        PREFIX_REQUESTS="${PREFIX_REQUESTS:-3}" DECODE_TOKENS="${DECODE_TOKENS:-24}" DECODE_REPS="${DECODE_REPS:-3}" ;;
    demo)
        DIR="${1:-$HOME/.ascendant/models/demo}"
        [ -f "$DIR/config.json" ] || "$JAVA" "${FLAGS[@]}" -cp "$APP/lib/main/*" io.ascendant.engine.demo.GenerateDemoCheckpoint "$DIR" demo
        STREAM_WORDS="${STREAM_WORDS:-30}" MAX_TOKENS="${MAX_TOKENS:-32}" PREFIX_WORDS="${PREFIX_WORDS:-1000}"
        PREFIX_REQUESTS="${PREFIX_REQUESTS:-9}" DECODE_TOKENS="${DECODE_TOKENS:-128}" DECODE_REPS="${DECODE_REPS:-5}" ;;
    *) echo "MODEL must be synthetic or demo, was $MODEL" >&2; exit 2 ;;
esac

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

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
    "$(free -g | awk '/^Mem:/ {print $2}') GB, $(date -u '+%Y-%m-%d %H:%M UTC'), $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "source not in git")"
echo "checkpoint: $MODEL, $DIR"
load
start_host "$PORT" /tmp/bench-model-host.log
HOST_PID=$LAST_PID
case " $PARTS " in *" streams "*)
    decode_rates=()
    for n in 1 4 8 16; do
        out="$(bench streams "$n" "$MAX_TOKENS" "$STREAM_WORDS")"; echo "$out"
        decode_rates+=("$(echo "$out" | grep -o 'all_streams=[0-9.]*' | cut -d= -f2)")
    done
    awk -v r1="${decode_rates[0]}" -v r4="${decode_rates[1]}" -v r8="${decode_rates[2]}" -v r16="${decode_rates[3]}" '
        function x(r, n) { return (r1 > 0 && r > 0) ? sprintf("%s (%.2fx one stream, %.2f per stream)", r, r / r1, r / n) : "n/a" }
        BEGIN { printf "batched decode, aggregate tok/s while all streams decode: 1: %s, 4: %s, 8: %s, 16: %s\n",
                r1, x(r4, 4), x(r8, 8), x(r16, 16) }'
    load ;;
esac
case " $PARTS " in *" prefix "*)
    # a second host without the prefix cache; requests alternate between the two so both see the same load
    start_host "$((PORT + 1))" /tmp/bench-model-host-nocache.log -Dmodelhost.prefix-cache.enabled=false
    OFF_PID=$LAST_PID
    bench prefix "$PREFIX_REQUESTS" 4 "http://127.0.0.1:$((PORT + 1))" "$PREFIX_WORDS"
    stop_pid "$OFF_PID"; OFF_PID= ;;
esac
case " $PARTS " in *" overhead "*)
    TOKENS="$DECODE_TOKENS"
    b1="$(bare "$TOKENS" "$DECODE_REPS")"; echo "$b1"
    h1="$(bench decode "$DECODE_REPS" "$TOKENS" "$HOST_PID")"; echo "$h1"
    b2="$(bare "$TOKENS" "$DECODE_REPS")"; echo "$b2"
    h2="$(bench decode "$DECODE_REPS" "$TOKENS" "$HOST_PID")"; echo "$h2"
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
