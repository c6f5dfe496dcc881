# deploy/launcher/ports.sh (sourced by ./ascendant): the ports `up` needs, checked before anything starts.

# Each ASCENDANT_*_PORT variable with the value this run uses and who needs it, in start order.
PORT_VARIABLES=(ASCENDANT_POSTGRES_PORT ASCENDANT_KEYCLOAK_PORT ASCENDANT_KEYCLOAK_MANAGEMENT_PORT
    ASCENDANT_GATEWAY_PORT ASCENDANT_MODEL_HOST_PORT)

# Prints the port variable $1's value (its default when unset).
port_value() {
    case "$1" in
        ASCENDANT_POSTGRES_PORT) echo "$POSTGRES_PORT" ;;
        ASCENDANT_KEYCLOAK_PORT) echo "$KEYCLOAK_PORT" ;;
        ASCENDANT_KEYCLOAK_MANAGEMENT_PORT) echo "$KEYCLOAK_MANAGEMENT_PORT" ;;
        ASCENDANT_GATEWAY_PORT) echo "$GATEWAY_PORT" ;;
        ASCENDANT_MODEL_HOST_PORT) echo "$MODEL_HOST_PORT" ;;
    esac
}

port_owner() {
    case "$1" in
        ASCENDANT_POSTGRES_PORT) echo "PostgreSQL" ;;
        ASCENDANT_KEYCLOAK_PORT) echo "Keycloak" ;;
        ASCENDANT_KEYCLOAK_MANAGEMENT_PORT) echo "Keycloak's health endpoint" ;;
        ASCENDANT_GATEWAY_PORT) echo "the gateway" ;;
        ASCENDANT_MODEL_HOST_PORT) echo "the model host" ;;
    esac
}

# Dies naming the first port variable that is not a whole number from 1 to 65535, or two that name the same port.
# Runs before anything else, so a typo costs one line instead of a Keycloak unpack and a failed start minutes later.
validate_ports() {
    local variable value other
    for variable in "${PORT_VARIABLES[@]}"; do
        value="$(port_value "$variable")"
        # At most 5 digits before the arithmetic, so a huge number cannot overflow into the range.
        if ! [[ "$value" =~ ^[0-9]{1,5}$ ]] || [ "$((10#$value))" -lt 1 ] || [ "$((10#$value))" -gt 65535 ]; then
            die "$variable is '$value', which is not a port: set it to a whole number from 1 to 65535."
        fi
    done
    for variable in "${PORT_VARIABLES[@]}"; do
        for other in "${PORT_VARIABLES[@]}"; do
            [ "$variable" \< "$other" ] || continue
            if [ "$((10#$(port_value "$variable")))" -eq "$((10#$(port_value "$other")))" ]; then
                die "$variable and $other are both $(port_value "$variable"): give $(port_owner "$variable") and $(port_owner "$other") a port each."
            fi
        done
    done
}

# The port variables of part $1 (as spawn names parts), one a line.
part_port_variables() {
    case "$1" in
        postgres) echo ASCENDANT_POSTGRES_PORT ;;
        keycloak) printf '%s\n' ASCENDANT_KEYCLOAK_PORT ASCENDANT_KEYCLOAK_MANAGEMENT_PORT ;;
        gateway) echo ASCENDANT_GATEWAY_PORT ;;
        modelhost) echo ASCENDANT_MODEL_HOST_PORT ;;
    esac
}

# This machine's ephemeral port range as "LOW HIGH" (the ports outgoing connections take), or nothing.
ephemeral_range() {
    local low high
    read -r low high </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || return 0
    [[ "$low" =~ ^[0-9]+$ && "$high" =~ ^[0-9]+$ ]] && echo "$low $high"
    return 0
}

# Prints (to stderr, with the warnings) a note for every port of this run inside the ephemeral range: the check that it is free cannot hold it, and
# any outgoing connection (a Maven download, a browser) may take it before its part binds it.
note_ephemeral_ports() {
    local range low high variable port
    range="$(ephemeral_range)"
    [ -n "$range" ] || return 0
    read -r low high <<<"$range"
    for variable in "${PORT_VARIABLES[@]}"; do
        port="$((10#$(port_value "$variable")))"
        if [ "$port" -ge "$low" ] && [ "$port" -le "$high" ]; then
            say "note: $variable=$port is in this machine's ephemeral port range ($low-$high), from which outgoing connections take their ports: one may take it before $(port_owner "$variable") binds it. A port below $low avoids that." >&2
        fi
    done
}

# When part $1's log says it could not bind a port: a sentence naming its ports and variables (a port can be taken
# between the launcher's check and the bind); nothing otherwise.
bind_failure_hint() {
    local name="$1" variable ports=""
    grep -qiE 'address already in use|already bound|BindException|could not bind|failed to bind' \
        "$LOG_DIR/$name.log" 2>/dev/null || return 0
    while IFS= read -r variable; do
        [ -n "$variable" ] || continue
        ports="${ports:+$ports, }$(port_value "$variable") ($variable)"
    done < <(part_port_variables "$name")
    [ -n "$ports" ] || return 0
    echo " $name could not bind its port: $ports. Another program took it after the launcher found it free; set the variable to a free port (one below the ephemeral range $(ephemeral_range | tr ' ' '-') cannot be taken by an outgoing connection)."
}

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# The ports of this ASCENDANT_HOME, one a line: this run's and those a running or earlier `up` recorded in
# run/ports (so `down` finds them without the operator repeating the ASCENDANT_*_PORT variables).
this_homes_ports() {
    local variable line
    for variable in "${PORT_VARIABLES[@]}"; do
        port_value "$variable"
    done
    if [ -f "$RUN_DIR/ports" ]; then
        while IFS= read -r line; do
            [[ "$line" =~ ^[A-Z_]+_PORT=[0-9]{1,5}$ ]] && echo "${line#*=}"
        done <"$RUN_DIR/ports"
    fi
    return 0
}

# Dies because port $1, needed by $2 (set by variable $3), is taken: naming the process that holds it when this user
# can see it (not another user's), and what stops it.
refuse_busy_port() {
    local port="$1" who="$2" variable="$3" pid
    pid="$(port_holder "$port")"
    if [ -z "$pid" ]; then
        die "Port $port is already in use (needed by $who): stop the program that uses it or set $variable to a free port."
    elif of_this_home "$pid"; then
        die "Port $port is already in use (needed by $who): $(describe_pid "$pid") holds it, started from $ASCENDANT_HOME with no pid file naming it; run './ascendant down' to stop it, or set $variable to a free port."
    else
        die "Port $port is already in use (needed by $who): $(describe_pid "$pid") holds it, which this launcher did not start; stop it (kill $pid) or set $variable to a free port."
    fi
}

require_free_port() {
    if port_in_use "$1"; then refuse_busy_port "$@"; fi
}

# The ports `up` needs, each checked free; dies naming every one that is taken, in one sentence.
require_free_ports() {
    local variable port pid busy=() names=()
    for variable in "${PORT_VARIABLES[@]}"; do
        port="$(port_value "$variable")"
        if port_in_use "$port"; then
            pid="$(port_holder "$port")"
            busy+=("$port (needed by $(port_owner "$variable"), $variable${pid:+, held by $(describe_pid "$pid")})")
            names+=("$variable")
        fi
    done
    case "${#busy[@]}" in
        0) return 0 ;;
        1) refuse_busy_port "$(port_value "${names[0]}")" "$(port_owner "${names[0]}")" "${names[0]}" ;;
        *)
            local list="${busy[0]}" i
            for ((i = 1; i < ${#busy[@]} - 1; i++)); do list="$list, ${busy[$i]}"; done
            list="$list and ${busy[${#busy[@]} - 1]}"
            die "Ports $list are already in use: stop the programs that use them or set those variables to free ports."
            ;;
    esac
}
