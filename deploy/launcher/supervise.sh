# deploy/launcher/supervise.sh (sourced by ./ascendant): what `up` does once everything is up.
#
# PostgreSQL, Keycloak or the gateway stopping stops everything: the gateway cannot serve without its database and
# its token issuer, and a half-running platform that answers health checks but no requests is worse than a clear
# stop. A model host is different: it is one pod of a pool, the gateway fails its requests over and meters a stream
# it cuts, so the launcher restarts it, with a growing pause (1 s, 2 s, 4 s, ... at most 30 s). A model host that
# dies within ASCENDANT_MODEL_HOST_STABLE_SECONDS of its start ASCENDANT_MODEL_HOST_RESTARTS times in a row (a
# broken checkpoint, too little memory) is given up on; the rest keeps running, and `status` and the log say so.

MODEL_HOST_RESTARTS="${ASCENDANT_MODEL_HOST_RESTARTS:-5}"
MODEL_HOST_STABLE_SECONDS="${ASCENDANT_MODEL_HOST_STABLE_SECONDS:-60}"

validate_supervision() {
    [[ "$MODEL_HOST_RESTARTS" =~ ^[0-9]{1,4}$ ]] ||
        die "ASCENDANT_MODEL_HOST_RESTARTS is '$MODEL_HOST_RESTARTS': set it to a whole number of restarts (0 never restarts the model host)."
    [[ "$MODEL_HOST_STABLE_SECONDS" =~ ^[0-9]{1,6}$ ]] ||
        die "ASCENDANT_MODEL_HOST_STABLE_SECONDS is '$MODEL_HOST_STABLE_SECONDS': set it to a whole number of seconds."
}

# A line for the operator and for logs/modelhost.log; not a phase of `status` (unlike say).
supervision_note() {
    echo "ascendant: $*"
    echo "[ascendant $(date -u '+%Y-%m-%dT%H:%M:%SZ')] $*" >>"$LOG_DIR/modelhost.log"
}

# How part $1 ended: "exit status N" or "killed by SIGNAME". Reaps its waiter (WAITERS, see spawn), then reads the
# status the waiter wrote to run/$1.pid.exit; bash's own `wait` status for the waiter is only the fallback, since it
# can come back as -1 when the waiter's end races the shell's child bookkeeping, or when the file is not written yet.
how_it_ended() {
    local status=0 recorded i
    # Callers run this in $(...), a subshell, where `wait` cannot wait for the launcher's waiter: give the waiter
    # up to 5 s to record the status it saw (it writes it the moment the part ends).
    for ((i = 0; i < 100; i++)); do
        [ -s "$RUN_DIR/$1.pid.exit" ] && break
        sleep 0.05
    done
    wait "${WAITERS[$1]}" 2>/dev/null || status=$?
    recorded="$(cat "$RUN_DIR/$1.pid.exit" 2>/dev/null || true)"
    [[ "$recorded" =~ ^[0-9]{1,3}$ ]] && status="$recorded"
    if [ "$status" -gt 128 ] && [ "$status" -le 192 ]; then
        echo "killed by SIG$(kill -l "$((status - 128))" 2>/dev/null || echo "$((status - 128))")"
    else
        echo "exit status $status"
    fi
}

# Runs until a signal arrives (the traps of `up` stop everything) or a part other than the model host stops
# (then stops the rest and exits 1). Writes the model host's state for `status` to $RUN_DIR/modelhost.state.
supervise() {
    local name pid quick=0 restart_at="" given_up=false uptime delay ended holder
    rm -f "$RUN_DIR/modelhost.state"
    while true; do
        for name in postgres keycloak gateway; do
            if ! alive "$(pid_of "$name")"; then
                ended="$(how_it_ended "$name")"
                record_end "$name stopped unexpectedly ($ended; last log line: \"$(last_log_line "$name")\"; see $LOG_DIR/$name.log), so the launcher stopped the rest"
                echo "ascendant: $name stopped unexpectedly ($ended; see $LOG_DIR/$name.log); stopping the rest"
                stop_all
                exit 1
            fi
        done
        if [ "$given_up" = false ]; then
            pid="$(pid_of modelhost)"
            if [ -n "$restart_at" ]; then
                if [ "$SECONDS" -ge "$restart_at" ] && port_in_use "$MODEL_HOST_PORT"; then
                    # What died may have left a process on the port (or another program took it): a new host would
                    # load its model only to fail to bind. Wait, saying who holds it, and try again.
                    restart_at=$((SECONDS + 5))
                    holder="$(port_holder "$MODEL_HOST_PORT")"
                    if ! grep -q '^WAITING' "$RUN_DIR/modelhost.state" 2>/dev/null; then
                        supervision_note "port $MODEL_HOST_PORT is in use${holder:+ by $(describe_pid "$holder")}, so the model host cannot restart; trying again every 5 s"
                    fi
                    echo "WAITING for port $MODEL_HOST_PORT${holder:+ (held by $(describe_pid "$holder"))} to restart" >"$RUN_DIR/modelhost.state"
                elif [ "$SECONDS" -ge "$restart_at" ]; then
                    restart_at=""
                    echo "restarted ($quick in a row)" >"$RUN_DIR/modelhost.state"
                    supervision_note "restarting the model host (restart $quick in a row, at most $MODEL_HOST_RESTARTS)"
                    spawn_model_host
                fi
            elif ! alive "$pid"; then
                uptime=$((SECONDS - MODEL_HOST_STARTED_AT))
                ended="$(how_it_ended modelhost)"
                # A host that served for a while before it died starts a new series: its restart is not "again".
                [ "$uptime" -ge "$MODEL_HOST_STABLE_SECONDS" ] && quick=0
                if [ "$quick" -ge "$MODEL_HOST_RESTARTS" ]; then
                    given_up=true
                    rm -f "$RUN_DIR/modelhost.pid" "$RUN_DIR/modelhost.pid.exit"
                    echo "GAVE UP after $quick restart(s) in a row that each stopped within ${MODEL_HOST_STABLE_SECONDS} s (last: $ended); see $LOG_DIR/modelhost.log" >"$RUN_DIR/modelhost.state"
                    supervision_note "the model host stopped again ($ended, after ${uptime} s; see $LOG_DIR/modelhost.log): $quick restart(s) in a row each stopped within ${MODEL_HOST_STABLE_SECONDS} s, so it is not restarted again; PostgreSQL, Keycloak and the gateway keep running, and requests for its models fail until './ascendant down' and './ascendant up'"
                else
                    if [ "$quick" -ge 5 ]; then delay=30; else delay=$((1 << quick)); fi
                    quick=$((quick + 1))
                    restart_at=$((SECONDS + delay))
                    echo "RESTARTING in $delay s (stopped: $ended)" >"$RUN_DIR/modelhost.state"
                    supervision_note "the model host stopped unexpectedly ($ended, after ${uptime} s; see $LOG_DIR/modelhost.log); restarting it in $delay s"
                fi
            fi
        fi
        sleep 1 &
        wait $! || true
    done
}
