# deploy/launcher/settings.sh (sourced by ./ascendant): checks the ASCENDANT_* settings that are not ports (those are
# in ports.sh, the model host's restart policy in supervise.sh) before anything starts, so a typo is one sentence
# instead of a failure after PostgreSQL and Keycloak have started (or, for ASCENDANT_SKIP_BUILD, a silent default).

# For `up` and `migrate`: ASCENDANT_SKIP_BUILD, ASCENDANT_START_TIMEOUT and ASCENDANT_MODEL_HOST_HEAP.
validate_settings() {
    case "${ASCENDANT_SKIP_BUILD:-false}" in
        true | false) ;;
        *) die "ASCENDANT_SKIP_BUILD is '$ASCENDANT_SKIP_BUILD': set it to true (never build, use the existing jars) or false (build when a source is newer, the default)." ;;
    esac
    # At most 6 digits, so the arithmetic cannot overflow; 10# so a leading zero is not read as octal.
    if ! [[ "$START_TIMEOUT" =~ ^[0-9]{1,6}$ ]] || [ "$((10#$START_TIMEOUT))" -lt 1 ]; then
        die "ASCENDANT_START_TIMEOUT is '$START_TIMEOUT': set it to a whole number of seconds from 1 to 999999 (default 600)."
    fi
    START_TIMEOUT=$((10#$START_TIMEOUT))
    [[ "$MODEL_HOST_HEAP" =~ ^[1-9][0-9]{0,6}[kKmMgG]?$ ]] ||
        die "ASCENDANT_MODEL_HOST_HEAP is '$MODEL_HOST_HEAP': set it to a JVM heap size such as 3g or 2048m (default 3g)."
}
