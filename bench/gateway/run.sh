#!/usr/bin/env bash
# Load benchmark of the gateway data path: a fast fake OpenAI-compatible host on loopback, the gateway in front of
# it with a real API key, the usage ledger in its embedded PostgreSQL (metering on) and the default admission
# control, and the same fake host called directly. Prints the latency the gateway adds at concurrency 1 (p50/p99 of
# each request, measured one request at a time) and the maximum requests/s for small non-streamed chat completions
# (wrk), then checks that every request the gateway answered was metered.
#
#   bench/gateway/run.sh            (after ./mvnw -B -pl gateway -am install -DskipTests; needs wrk from Debian)
#
# Knobs: DURATION (s per measured run, default 15), WARMUP (s of load before anything is measured, default 45: the
# JIT is still compiling the request path for the first half minute, and its compiler thread takes a core of the
# two), CONNECTIONS for the throughput run (default 64), QUOTA=off to run without the quota module's admission
# control (gateway.quota.enabled=false) and so measure the data path alone, GATEWAY_JAVA_OPTS for extra gateway
# JVM options (a JFR recording, a -D setting), SEQ_WARMUP (s of one-at-a-time requests before each concurrency-1
# measurement, default 10: some of that path, e.g. the keep-alive read timer, is not hot under the concurrent
# warm-up; the JIT compiler CPU the run still used is printed).
#
# The header line "idle CPUs" says how idle vCPUs wait (lib.sh, cpu_idle_state): with halt polling off in a VM the
# same code adds about 3x the p50 at concurrency 1; README, "Gateway data path", has both sets of numbers.
#
# Concurrency-1 latency comes from io.ascendant.gateway.bench.SequentialLatency (one sample per request), not from
# wrk: wrk 4 corrects its histogram for coordinated omission, which at one connection adds synthetic samples for
# every slow request (see that class). wrk's corrected p99 is printed too, for comparison with earlier runs.
source "$(dirname "$0")/lib.sh"
require_build

DURATION="${DURATION:-15}"
WARMUP="${WARMUP:-45}"
CONNECTIONS="${CONNECTIONS:-64}"
SEQ_WARMUP="${SEQ_WARMUP:-10}"
FAKE_PORT=18391
GW_PORT=18381
PG_PORT=25381

start_fake_host "$FAKE_PORT"
EXTRA=()
# GATEWAY_JAVA_OPTS: extra JVM options of the gateway (e.g. -XX:StartFlightRecording=... to profile a run)
read -r -a EXTRA <<<"${GATEWAY_JAVA_OPTS:-}"
if [ "${QUOTA:-on}" = "off" ]; then EXTRA+=(-Dgateway.quota.enabled=false); fi
start_gateway "$GW_PORT" "$PG_PORT" "http://127.0.0.1:$FAKE_PORT" "${EXTRA[@]}"
KEY="$(new_key)"

cat >"$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"model":"deepseek-v4-flash","max_tokens":16,"messages":[{"role":"user","content":"Say hello"}]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
LUA

# wrk_run <label> <url> <threads> <connections> <seconds>: prints wrk output to $WORK/<label>.txt
wrk_run() {
    wrk -t"$3" -c"$4" -d"$5"s --latency -s "$WORK/post.lua" "$2" >"$WORK/$1.txt" 2>&1
}
# micros <label> <percent>: a latency percentile of a wrk run in microseconds
micros() {
    awk -v p="$2%" '$1 == p {v=$2; if (v ~ /us$/) {sub(/us/,"",v); print v} else if (v ~ /ms$/) {sub(/ms/,"",v); print v*1000} else if (v ~ /s$/) {sub(/s/,"",v); print v*1000000}}' "$WORK/$1.txt"
}
rps() { awk '/Requests\/sec/ {print $2}' "$WORK/$1.txt"; }
completed() { awk '/requests in/ {print $1}' "$WORK/$1.txt"; }
non2xx() { awk '/Non-2xx/ {print $5}' "$WORK/$1.txt"; }

GW_URL="http://127.0.0.1:$GW_PORT/v1/chat/completions"
DIRECT_URL="http://127.0.0.1:$FAKE_PORT/v1/chat/completions"

BODY='{"model":"deepseek-v4-flash","max_tokens":16,"messages":[{"role":"user","content":"Say hello"}]}'
# sequential <label> <port> <key or ->: one request at a time; output in $WORK/<label>.txt
sequential() {
    "$JAVA" -cp "$CP" io.ascendant.gateway.bench.SequentialLatency 127.0.0.1 "$2" /v1/chat/completions "$3" "$BODY" \
        "$SEQ_WARMUP" "$DURATION" >"$WORK/$1.txt"
}
# jit_ticks <pid>: CPU clock ticks the JIT compiler threads of a JVM have used so far
jit_ticks() {
    local t=0 task
    for task in /proc/"$1"/task/*; do
        case "$(cat "$task/comm" 2>/dev/null)" in
        C1\ * | C2\ *) t=$((t + $(awk '{print $14 + $15}' "$task/stat" 2>/dev/null || echo 0))) ;;
        esac
    done
    echo "$t"
}
# seq_us <label> <field>: a field (p50_us, p99_us, ...) of a sequential run
seq_us() { tr ' ' '\n' <"$WORK/$1.txt" | awk -F= -v k="$2" '$1 == k {print $2}'; }

echo "warming up for ${WARMUP}s (JIT) ..."
wrk_run warm-gw "$GW_URL" 2 "$CONNECTIONS" "$WARMUP"
wrk_run warm-direct "$DIRECT_URL" 2 16 5
sequential c1-direct "$FAKE_PORT" -
jit0=$(jit_ticks "${PIDS[1]}")
sequential c1-gw "$GW_PORT" "$KEY"
jit1=$(jit_ticks "${PIDS[1]}")
wrk_run c1-direct-wrk "$DIRECT_URL" 1 1 "$DURATION"
wrk_run c1-gw-wrk "$GW_URL" 1 1 "$DURATION"
wrk_run max-direct "$DIRECT_URL" 2 "$CONNECTIONS" "$DURATION"
# CPU the gateway JVM and its PostgreSQL spend per request during the throughput run (less sensitive to other load
# on the machine than requests/s): clock ticks from /proc/<pid>/stat (utime + stime).
GW_PID="${PIDS[1]}"
ticks() { local t=0; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$t"; }
pg_pids() {
    local pm
    for pm in $(pgrep -f "$WORK/home-$GW_PORT/data/postgres" | grep -vx "$GW_PID"); do echo "$pm"; pgrep -P "$pm"; done
}
gw_cpu0=$(ticks "$GW_PID"); pg_cpu0=$(ticks $(pg_pids))
wrk_run max-gw "$GW_URL" 2 "$CONNECTIONS" "$DURATION"
gw_cpu1=$(ticks "$GW_PID"); pg_cpu1=$(ticks $(pg_pids))
sleep 5 # let the last ledger group commits land

sent=0
for run in warm-gw c1-gw-wrk max-gw; do
    sent=$((sent + $(completed "$run")))
done
for run in c1-gw; do
    sent=$((sent + $(seq_us "$run" requests) + 0))
done
read -r rows rows_completed < <(ledger_count)

if [ "$(seq_us c1-gw requests)" = "0" ] || [ "$(completed max-gw)" = "0" ]; then
    echo "the gateway answered no request; see $WORK/gateway-$GW_PORT.log" >&2
    exit 1
fi
d50=$(seq_us c1-direct p50_us); d99=$(seq_us c1-direct p99_us)
g50=$(seq_us c1-gw p50_us); g99=$(seq_us c1-gw p99_us)
echo
echo "== Gateway data path benchmark, quota admission ${QUOTA:-on} ($(nproc) cores, $(date -u +%Y-%m-%d), wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}'), warm-up ${WARMUP}s) =="
echo "idle CPUs: $(cpu_idle_state)"
echo "concurrency 1, ${DURATION}s, one request at a time:"
echo "  direct      $(cat "$WORK/c1-direct.txt")"
echo "  via gateway $(cat "$WORK/c1-gw.txt")"
printf "added latency at concurrency 1: p50 %d us, p99 %d us\n" $((g50 - d50)) $((g99 - d99))
echo "  (gateway JIT compiler CPU during that run, warm-up included: $(((jit1 - jit0) * 1000 / $(getconf CLK_TCK))) ms)"
printf "  (wrk -c1, corrected for coordinated omission: direct p99 %.0f us, via gateway p50 %.0f us p99 %.0f us)\n" \
    "$(micros c1-direct-wrk 99)" "$(micros c1-gw-wrk 50)" "$(micros c1-gw-wrk 99)"
printf "max throughput (%s connections, 2 wrk threads): direct %s req/s | via gateway %s req/s (gateway p99 %.0f us)\n" \
    "$CONNECTIONS" "$(rps max-direct)" "$(rps max-gw)" "$(micros max-gw 99)"
HZ=$(getconf CLK_TCK)
awk -v n="$(completed max-gw)" -v g=$((gw_cpu1 - gw_cpu0)) -v p=$((pg_cpu1 - pg_cpu0)) -v hz="$HZ" 'BEGIN {
    printf "CPU per request in the throughput run: gateway JVM %.0f us, its PostgreSQL %.0f us\n", g / hz * 1e6 / n, p / hz * 1e6 / n }'
echo "gateway non-2xx responses: warm $(non2xx warm-gw) c1 $(seq_us c1-gw non_200) c1-wrk $(non2xx c1-gw-wrk) max $(non2xx max-gw) (empty = none)"
echo "metering: wrk completed $sent gateway requests; usage_ledger has $rows rows ($rows_completed COMPLETED)"
echo "logs and raw wrk output: $WORK"
