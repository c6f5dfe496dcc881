# deploy/launcher/status.sh (sourced by ./ascendant): `./ascendant status`, what runs and whether each health URL
# says UP; exits 0 only when every part is up. A part that is not up comes with the cause status can see: the
# connection to its port refused, no answer in time, an HTTP status other than 200, a pid file whose process is gone,
# processes its killed leader left running, a port held by another program. Once `up` has ended, the last line says
# how and when (run/last-end: a signal, a failure at start, or the part whose stop made the launcher stop the rest).

# Prints "UP" when URL $1 answers 200, else why not: "HTTP 503", "connection refused on port N", "no answer within
# 3 s on port N".
health_of() {
    local url="$1" code rc=0 port
    port="${url#http://*:}"
    port="${port%%/*}"
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$url" 2>/dev/null)" || rc=$?
    case "$rc" in
        0) if [ "$code" = 200 ]; then echo UP; else echo "HTTP $code"; fi ;;
        7) echo "connection refused on port $port" ;;
        28) echo "no answer within 3 s on port $port" ;;
        52) echo "empty reply on port $port" ;;
        56) echo "connection reset on port $port" ;;
        *) echo "no HTTP answer on port $port (curl exit status $rc)" ;;
    esac
}

# The port whose holder tells whether part $1 left something behind, or nothing (the launcher has none).
port_of_part() {
    case "$1" in
        postgres) echo "$POSTGRES_PORT" ;;
        keycloak) echo "$KEYCLOAK_PORT" ;;
        modelhost) echo "$MODEL_HOST_PORT" ;;
        gateway) echo "$GATEWAY_PORT" ;;
    esac
}

# For a part with no live leader: ", but port N is held by pid M (...)" when something listens on its port, saying
# whether it is this installation's leftover; nothing when the port is free or its holder cannot be seen.
port_taken_note() {
    local port pid
    port="$(port_of_part "$1")"
    [ -n "$port" ] && port_in_use "$port" || return 0
    pid="$(port_holder "$port")"
    if [ -z "$pid" ]; then
        printf ', but port %s is in use by a process of another user' "$port"
    elif of_this_home "$pid"; then
        printf ", but port %s is held by %s, started from this ASCENDANT_HOME with no pid file naming it ('./ascendant down' stops it)" \
            "$port" "$(describe_pid "$pid")"
    else
        printf ", but port %s is held by %s, which this launcher did not start (stop it with kill %s)" \
            "$port" "$(describe_pid "$pid")" "$pid"
    fi
}

cmd_status() {
    [ $# -eq 0 ] || die "Unknown argument '$1' for 'status': run './ascendant status --help' to see its usage."
    validate_ports
    local name pid state all_up=0 url phase="" starting=false supervision="" launcher_alive=false health left
    alive "$(pid_of launcher)" && launcher_alive=true
    # A running `up` wrote the ports it uses (only plain NAME=digits lines are read).
    if [ "$launcher_alive" = true ] && [ -f "$RUN_DIR/ports" ]; then
        local line
        while IFS= read -r line; do
            case "$line" in
                GATEWAY_PORT=[0-9]* | KEYCLOAK_PORT=[0-9]* | KEYCLOAK_MANAGEMENT_PORT=[0-9]* | POSTGRES_PORT=[0-9]* | MODEL_HOST_PORT=[0-9]*)
                    printf -v "${line%%=*}" '%s' "${line#*=}" ;;
            esac
        done <"$RUN_DIR/ports"
    fi
    # While `up` is still starting things, components that are not ready yet are "starting", not broken.
    if [ "$launcher_alive" = true ] && [ -f "$RUN_DIR/phase" ]; then
        phase="$(cat "$RUN_DIR/phase" 2>/dev/null || true)"
        [ "$phase" != "up" ] && starting=true
    fi
    # What the running `up` did about a model host that died (deploy/launcher/supervise.sh).
    if [ "$launcher_alive" = true ]; then
        supervision="$(cat "$RUN_DIR/modelhost.state" 2>/dev/null || true)"
    fi
    for name in launcher "${COMPONENTS[@]}"; do
        pid="$(pid_of "$name")"
        case "$name" in
            gateway) url="http://127.0.0.1:$GATEWAY_PORT/q/health/ready" ;;
            keycloak) url="http://127.0.0.1:$KEYCLOAK_MANAGEMENT_PORT/health/ready" ;;
            modelhost) url="http://127.0.0.1:$MODEL_HOST_PORT/health" ;;
            *) url="" ;;
        esac
        left=""
        [ "$name" != launcher ] && ! alive "$pid" && left="$(our_group_pids "$pid")"
        if alive "$pid"; then
            state="running (pid $pid)"
            [ "$name" = modelhost ] && [ -n "$supervision" ] && state="$state, $supervision"
            if [ "$name" = launcher ] && [ "$starting" = true ]; then
                state="$state, STARTING: $phase"
                all_up=1
            elif [ "$name" = postgres ]; then
                if port_in_use "$POSTGRES_PORT"; then
                    state="$state, accepting connections on 127.0.0.1:$POSTGRES_PORT"
                elif [ "$starting" = true ]; then
                    state="$state, STARTING (not accepting connections yet on port $POSTGRES_PORT)"
                    all_up=1
                else
                    state="$state, NOT READY: connection refused on port $POSTGRES_PORT"
                    all_up=1
                fi
            elif [ -n "$url" ]; then
                health="$(health_of "$url")"
                if [ "$health" = UP ]; then
                    state="$state, UP at $url"
                elif [ "$starting" = true ]; then
                    state="$state, STARTING (not ready yet at $url: $health)"
                    all_up=1
                else
                    state="$state, NOT READY at $url: $health"
                    all_up=1
                fi
            fi
        elif [ -n "$left" ]; then
            # The leader was killed on its own (kill <kc.sh pid>): what it started still runs, untracked by `up`.
            state="LEFTOVER: pid $pid is gone, but its process group still runs $(describe_pid "${left%%$'\n'*}")"
            [ "$(echo "$left" | wc -l)" -gt 1 ] && state="$state and $(($(echo "$left" | wc -l) - 1)) more"
            if [ -n "$url" ]; then
                health="$(health_of "$url")"
                [ "$health" = UP ] && health="still answering at $url"
                state="$state, $health"
            fi
            state="$state; './ascendant down' stops it"
            all_up=1
        elif [ "$name" = modelhost ] && [ -n "$supervision" ]; then
            state="stopped, $supervision"
            all_up=1
        elif [ "$starting" = true ]; then
            state="not started yet"
            all_up=1
        elif [ -n "$pid" ]; then
            state="stopped (stale pid file $RUN_DIR/$name.pid: pid $pid is not running)$(port_taken_note "$name")"
            all_up=1
        else
            state="stopped$(port_taken_note "$name")"
            all_up=1
        fi
        printf '  %-9s %s\n' "$name" "$state"
    done
    if [ "$launcher_alive" = false ] && [ -s "$RUN_DIR/last-end" ]; then
        local ended
        ended="$(head -n 1 "$RUN_DIR/last-end")"
        printf "  last 'up' ended at %s: %s\n" "${ended%% *}" "${ended#* }"
    fi
    return "$all_up"
}
