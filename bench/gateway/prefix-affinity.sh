#!/usr/bin/env bash
# Prefix-affinity benchmark: 3 fake hosts whose time to first token depends on prefix-cache hits
# (TTFT = 2 ms + 0.5 ms per uncached 64-character block; LRU cache of 600 blocks per host, about 10 of the 24
# conversations' system prompts), a shared-prefix workload (24 conversations x 10 questions, 4000-character system
# prompts, 4 concurrent clients, streamed) sent through the gateway twice: once with the gateway's scored dispatch
# (prefix affinity + load) and once with round robin. Prints each host's prefix-cache hit rate and the TTFT
# percentiles for both.
#
#   bench/gateway/prefix-affinity.sh   (after ./mvnw -B -pl gateway -am install -DskipTests)
source "$(dirname "$0")/lib.sh"
require_build

HOSTS=(18491 18492 18493)
PG_PORT=25481
FAKE_PROPS=(-Dfakehost.ttft-base-ms=2 -Dfakehost.ttft-per-miss-block-ms=0.5 -Dfakehost.cache-blocks=600)

hit_rate() {
    local q=0 h=0 port
    for port in "${HOSTS[@]}"; do
        local m
        m="$(curl -s "http://127.0.0.1:$port/metrics")"
        q=$((q + $(echo "$m" | awk '/^vllm:prefix_cache_queries_total/ {printf "%d", $2}')))
        h=$((h + $(echo "$m" | awk '/^vllm:prefix_cache_hits_total/ {printf "%d", $2}')))
    done
    if [ "$q" -gt 0 ]; then echo "scale=3; $h / $q" | bc -l; else echo 0; fi
}

run_strategy() {
    local strategy="$1" gw_port="$2"
    local fake_pids_start=${#PIDS[@]}
    for port in "${HOSTS[@]}"; do
        start_fake_host "$port" "${FAKE_PROPS[@]}"
    done
    local endpoints
    endpoints="$(printf 'http://127.0.0.1:%s,' "${HOSTS[@]}")"
    start_gateway "$gw_port" "$((PG_PORT + gw_port % 10))" "${endpoints%,}" -Dgateway.dispatch.strategy="$strategy"
    local key
    key="$(new_key)"
    local result
    result="$("$JAVA" -cp "$CP" io.ascendant.gateway.bench.PrefixAffinityLoad "http://127.0.0.1:$gw_port" "$key" deepseek-v4-flash 24 10 4)"
    echo "$strategy: prefix_cache_hit_rate=$(hit_rate) $result"
    # stop this round's processes
    for pid in "${PIDS[@]:$fake_pids_start}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]:$fake_pids_start}"; do wait "$pid" 2>/dev/null || true; done
    PIDS=("${PIDS[@]:0:$fake_pids_start}")
}

echo "== Prefix-affinity benchmark ($(nproc) cores, $(date -u +%Y-%m-%d)) =="
run_strategy scored 18481
run_strategy round-robin 18482
