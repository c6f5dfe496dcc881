# deploy/launcher.d/billing.sh: billing operations.
#   ./ascendant billing reconcile [--since WHEN] [--serve-unpriced-tenants ID,...] [jdbc-url [user [password]]]
#       prove the hourly and daily usage rollups equal the usage ledger, and list UNPRICED rows
#       (exit 0 equal and no unpriced row to review, 1 differ, 3 equal but unpriced rows to review, 2 error)
EXTRA_COMMANDS[billing]="billing operations: 'billing reconcile' proves the usage rollups equal the ledger"
help_billing() {
    cat <<'USAGE'
Usage: ./ascendant billing reconcile [--since WHEN] [--serve-unpriced-tenants ID,...] [jdbc-url [user [password]]]

Proves the hourly and daily usage rollups equal the usage ledger, and lists every ledger row recorded UNPRICED
(served without a price in force, charged 0, never invoiced) by tenant, model and currency. Without a URL:
QUARKUS_DATASOURCE_JDBC_URL, else the embedded PostgreSQL of './ascendant up'.

Unpriced rows need review unless they finished before --since or belong to a tenant served unpriced on purpose:
  --since WHEN                    an instant (2026-12-01T00:00:00Z), a UTC date (2026-12-01) or a duration back from
                                  now (P1D, PT36H); default: rows of any time need review. A monitoring job passes
                                  the time since its last run, so only new unpriced rows alert.
  --serve-unpriced-tenants IDS    comma-separated tenant ids; default GATEWAY_METERING_SERVE_UNPRICED_TENANTS, the
                                  gateway's gateway.metering.serve-unpriced-tenants.

Exit status:
  0  rollups equal the ledger and no unpriced row needs review (unpriced rows may still be listed)
  1  rollups differ from the ledger (whatever the unpriced rows)
  2  error: no database, schema not migrated, or a bad argument
  3  rollups equal the ledger, but unpriced rows need review
USAGE
}

cmd_billing() {
    local sub="${1:-}"
    [ $# -gt 0 ] && shift
    case "$sub" in
        reconcile) billing_reconcile "$@" ;;
        "") die "Usage: ./ascendant billing reconcile [--since WHEN] [--serve-unpriced-tenants ID,...] [jdbc-url [user [password]]] (the only billing subcommand so far)." ;;
        *) die "Unknown billing subcommand '$sub': the only one so far is reconcile (./ascendant billing reconcile --help)." ;;
    esac
}

billing_reconcile() {
    find_jdk
    local lib="$ROOT/gateway/target/quarkus-app/lib/main"
    ls "$lib"/*billing*.jar >/dev/null 2>&1 \
        || die "Build the gateway first: ./mvnw -B -pl gateway -am package -DskipTests."
    # Options go to ReconcileMain as they are (it checks them); the rest are the URL, user and password.
    local -a options=() positional=()
    while [ $# -gt 0 ]; do
        case "$1" in
            --since | --serve-unpriced-tenants)
                options+=("$1")
                if [ $# -ge 2 ]; then options+=("$2"); shift; fi
                ;;
            --*) options+=("$1") ;;
            *) positional+=("$1") ;;
        esac
        shift
    done
    local url="${positional[0]:-${QUARKUS_DATASOURCE_JDBC_URL:-}}"
    local user="${positional[1]:-${QUARKUS_DATASOURCE_USERNAME:-postgres}}"
    local password="${positional[2]:-${QUARKUS_DATASOURCE_PASSWORD:-}}"
    [ "${#positional[@]}" -le 3 ] || die "billing reconcile takes at most a jdbc-url, a user and a password; got ${#positional[@]} arguments."
    if [ -z "$url" ]; then
        # The embedded PostgreSQL started by `./ascendant up`.
        local data_dir="${ASCENDANT_POSTGRES_DATA_DIR:-$ASCENDANT_HOME/data/postgres}"
        [ -f "$data_dir.password" ] \
            || die "No database given: start Ascendant with './ascendant up' or set QUARKUS_DATASOURCE_JDBC_URL."
        url="jdbc:postgresql://127.0.0.1:$POSTGRES_PORT/ascendant"
        password="$(cat "$data_dir.password")"
    fi
    # The database travels in the environment ReconcileMain reads, never as arguments after the user's: an option
    # left without its value (`--since` last) would take the URL as its value. The password stays off the command
    # line too (other local users can read argv).
    QUARKUS_DATASOURCE_JDBC_URL="$url" QUARKUS_DATASOURCE_USERNAME="$user" QUARKUS_DATASOURCE_PASSWORD="$password" \
        exec "$JAVA" "${JVM_FLAGS[@]}" -cp "$lib/*" io.ascendant.billing.rollup.ReconcileMain ${options[@]+"${options[@]}"}
}
