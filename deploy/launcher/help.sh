# deploy/launcher/help.sh (sourced by ./ascendant): `./ascendant help` and `./ascendant <command> --help`.
# A command's --help prints its usage and exits 0 before the command does anything (no build, no JVM, no files).

usage() {
    cat <<USAGE
Usage: ./ascendant <command> [--help]

  up          build if needed and start PostgreSQL, Keycloak, the model host and the gateway (Ctrl-C stops them)
  down        stop what 'up' started
  status      show what runs and whether it is healthy
  migrate     apply the database migrations and exit
  test        run the whole test suite
USAGE
    local extra
    for extra in "${!EXTRA_COMMANDS[@]}"; do
        printf '  %-11s %s\n' "$extra" "${EXTRA_COMMANDS[$extra]}"
    done
    echo
    echo "Settings (environment): ASCENDANT_HOME, ASCENDANT_GATEWAY_PORT, ASCENDANT_KEYCLOAK_PORT,"
    echo "ASCENDANT_KEYCLOAK_MANAGEMENT_PORT, ASCENDANT_POSTGRES_PORT, ASCENDANT_MODEL_HOST_PORT, ASCENDANT_POSTGRES_DATA_DIR,"
    echo "ASCENDANT_CONSOLE_ORIGINS, ASCENDANT_MODEL_HOST_RESTARTS, ASCENDANT_MODEL_HOST_STABLE_SECONDS, ASCENDANT_START_TIMEOUT,"
    echo "ASCENDANT_SKIP_BUILD, ASCENDANT_MODEL_HOST_HEAP, ASCENDANT_MODEL_DIR, ASCENDANT_JVM_DIR, JAVA_HOME (README.md)."
}

# Prints the usage of command $1. An extension may define help_<name> for more than its one-line description.
command_usage() {
    case "$1" in
        up)
            cat <<USAGE
Usage: ./ascendant up

Builds if any source is newer than the jars, then starts PostgreSQL, Keycloak, the model host (demo V4 checkpoint,
served as deepseek-v4-flash) and the gateway on 127.0.0.1, prints their URLs and stays in the foreground.
Ctrl-C stops them all. A model host that dies is restarted; PostgreSQL, Keycloak or the gateway dying stops
everything (README.md, "Running it"). Ports and state: ASCENDANT_*_PORT, ASCENDANT_HOME.
USAGE
            ;;
        down)
            echo "Usage: ./ascendant down"
            echo
            echo "Stops a running 'up' (or whatever a killed one left behind) in ASCENDANT_HOME: each part's whole process"
            echo "group, and any process of this ASCENDANT_HOME still holding one of its ports."
            ;;
        status)
            echo "Usage: ./ascendant status"
            echo
            echo "Shows each part 'up' started and whether its health URL says UP, and for a part that is not up, why"
            echo "(connection refused, no answer, a stale pid file, processes a killed part left running, a port another"
            echo "program holds); once 'up' has ended, how it ended. Exits 0 only when all are up."
            ;;
        migrate)
            echo "Usage: ./ascendant migrate"
            echo
            echo "Applies the Flyway migrations and exits: to QUARKUS_DATASOURCE_JDBC_URL if set, else to the embedded"
            echo "PostgreSQL of a running 'up', else to the embedded one started for the purpose."
            ;;
        test)
            echo "Usage: ./ascendant test [maven arguments]"
            echo
            echo "Runs the whole test suite (./mvnw -B verify); arguments such as -Dtest=Name go to Maven."
            ;;
        *)
            if declare -F "help_$1" >/dev/null; then
                "help_$1"
            else
                echo "Usage: ./ascendant $1 ..."
                echo
                echo "${EXTRA_COMMANDS[$1]}"
            fi
            ;;
    esac
}

# True when the arguments ask for help: --help or -h as the first one, or after the command's own subcommand word
# (`./ascendant billing reconcile --help`). Later ones are left alone: they may be values, such as a prompt text.
asks_for_help() {
    case "${1:-}" in -h | --help) return 0 ;; esac
    [[ "${1:-}" =~ ^[a-z][a-z-]*$ ]] && case "${2:-}" in -h | --help) return 0 ;; esac
    return 1
}
