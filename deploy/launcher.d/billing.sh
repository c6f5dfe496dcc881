# deploy/launcher.d/billing.sh: billing operations.
#   ./ascendant billing reconcile [jdbc-url [user [password]]]
#       prove the hourly and daily usage rollups equal the usage ledger and every row is priced
#       (exit 0 equal and priced, 1 differ, 3 equal but UNPRICED rows exist, 2 error)
EXTRA_COMMANDS[billing]="billing operations: 'billing reconcile' proves the usage rollups equal the ledger"
help_billing() {
    echo "Usage: ./ascendant billing reconcile [jdbc-url [user [password]]]"
    echo
    echo "Proves the hourly and daily usage rollups equal the usage ledger (exit 0 equal, 1 differ, 2 error). Without a"
    echo "URL: QUARKUS_DATASOURCE_JDBC_URL, else the embedded PostgreSQL of './ascendant up'."
}

cmd_billing() {
    local sub="${1:-}"
    [ $# -gt 0 ] && shift
    case "$sub" in
        reconcile) billing_reconcile "$@" ;;
        *) die "Usage: ./ascendant billing reconcile [jdbc-url [user [password]]] (the only billing subcommand so far)." ;;
    esac
}

billing_reconcile() {
    find_jdk
    local lib="$ROOT/gateway/target/quarkus-app/lib/main"
    ls "$lib"/*billing*.jar >/dev/null 2>&1 \
        || die "Build the gateway first: ./mvnw -B -pl gateway -am package -DskipTests."
    local url="${1:-${QUARKUS_DATASOURCE_JDBC_URL:-}}" user="${2:-${QUARKUS_DATASOURCE_USERNAME:-postgres}}"
    local password="${3:-${QUARKUS_DATASOURCE_PASSWORD:-}}"
    if [ -z "$url" ]; then
        # The embedded PostgreSQL started by `./ascendant up`.
        local data_dir="${ASCENDANT_POSTGRES_DATA_DIR:-$ASCENDANT_HOME/data/postgres}"
        [ -f "$data_dir.password" ] \
            || die "No database given: start Ascendant with './ascendant up' or set QUARKUS_DATASOURCE_JDBC_URL."
        url="jdbc:postgresql://127.0.0.1:$POSTGRES_PORT/ascendant"
        password="$(cat "$data_dir.password")"
    fi
    # The password travels in the environment, never on the command line (other local users can read argv).
    QUARKUS_DATASOURCE_PASSWORD="$password" \
        exec "$JAVA" "${JVM_FLAGS[@]}" -cp "$lib/*" io.ascendant.billing.rollup.ReconcileMain "$url" "$user"
}
