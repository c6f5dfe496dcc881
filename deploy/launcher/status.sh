# deploy/launcher/status.sh (sourced by ./ascendant): `./ascendant status`, what runs and whether each health URL
# says UP; exits 0 only when every part is up.

cmd_status() {
    [ $# -eq 0 ] || die "Unknown argument '$1' for 'status': run './ascendant status --help' to see its usage."
    validate_ports
    local name pid state all_up=0 url phase="" starting=false supervision=""
    # A running `up` wrote the ports it uses (only plain NAME=digits lines are read).
    if alive "$(pid_of launcher)" && [ -f "$RUN_DIR/ports" ]; then
        local line
        while IFS= read -r line; do
            case "$line" in
                GATEWAY_PORT=[0-9]* | KEYCLOAK_PORT=[0-9]* | KEYCLOAK_MANAGEMENT_PORT=[0-9]* | POSTGRES_PORT=[0-9]* | MODEL_HOST_PORT=[0-9]*)
                    printf -v "${line%%=*}" '%s' "${line#*=}" ;;
            esac
        done <"$RUN_DIR/ports"
    fi
    # While `up` is still starting things, components that are not ready yet are "starting", not broken.
    if alive "$(pid_of launcher)" && [ -f "$RUN_DIR/phase" ]; then
        phase="$(cat "$RUN_DIR/phase" 2>/dev/null || true)"
        [ "$phase" != "up" ] && starting=true
    fi
    # What the running `up` did about a model host that died (deploy/launcher/supervise.sh).
    if alive "$(pid_of launcher)"; then
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
        if alive "$pid"; then
            state="running (pid $pid)"
            [ "$name" = modelhost ] && [ -n "$supervision" ] && state="$state, $supervision"
            if [ "$name" = launcher ] && [ "$starting" = true ]; then
                state="$state, STARTING: $phase"
                all_up=1
            elif [ -n "$url" ]; then
                if [ "$(http_status "$url")" = "200" ]; then
                    state="$state, UP at $url"
                elif [ "$starting" = true ]; then
                    state="$state, STARTING (not ready yet at $url)"
                    all_up=1
                else
                    state="$state, NOT READY at $url"
                    all_up=1
                fi
            fi
        elif [ "$name" = modelhost ] && [ -n "$supervision" ]; then
            state="stopped, $supervision"
            all_up=1
        elif [ "$starting" = true ]; then
            state="not started yet"
            all_up=1
        else
            state="stopped"
            all_up=1
        fi
        printf '  %-9s %s\n' "$name" "$state"
    done
    return "$all_up"
}
