package io.ascendant.billing.rollup;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The command line of {@code ascendant billing reconcile}: {@code [--since WHEN] [--serve-unpriced-tenants IDS]
 * [jdbc-url [user [password]]]}.
 *
 * <p>Defaults come from the environment the gateway reads too: {@code QUARKUS_DATASOURCE_JDBC_URL}, {@code
 * QUARKUS_DATASOURCE_USERNAME} ({@code postgres}), {@code QUARKUS_DATASOURCE_PASSWORD} and {@code
 * GATEWAY_METERING_SERVE_UNPRICED_TENANTS} (the gateway's {@code gateway.metering.serve-unpriced-tenants}), so a job
 * that shares the gateway's environment reviews the same tenants the gateway serves unpriced on purpose.
 *
 * @param url JDBC URL, null when neither given nor set
 * @param user database user
 * @param password database password
 * @param review which unpriced rows need review
 */
public record ReconcileOptions(String url, String user, String password, UnpricedReview review) {

    /** The usage line printed for a refused command line. */
    public static final String USAGE = "usage: ascendant billing reconcile [--since WHEN] [--serve-unpriced-tenants"
            + " ID,...] [jdbc-url [user [password]]] (or set QUARKUS_DATASOURCE_JDBC_URL)";

    /**
     * Parses {@code args}; options may come before or after the positional arguments, as {@code --since X} or {@code
     * --since=X}.
     *
     * @param env the environment (the defaults above)
     * @param now the current instant, for a {@code --since} given as a duration
     * @throws IllegalArgumentException naming the option and what it accepts, for an unknown option, a missing or
     *     malformed value, or more than three positional arguments
     */
    public static ReconcileOptions parse(String[] args, Map<String, String> env, Instant now) {
        List<String> positional = new ArrayList<>();
        String since = null;
        String tenants = env.get("GATEWAY_METERING_SERVE_UNPRICED_TENANTS");
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                positional.add(arg);
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            if (!name.equals("--since") && !name.equals("--serve-unpriced-tenants")) {
                throw new IllegalArgumentException("unknown option " + name + "; " + USAGE);
            }
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(name + " needs a value; " + USAGE);
            }
            if (name.equals("--since")) {
                since = value;
            } else {
                tenants = value;
            }
        }
        if (positional.size() > 3) {
            throw new IllegalArgumentException(
                    "too many arguments " + positional.subList(3, positional.size()) + "; " + USAGE);
        }
        String url = positional.size() > 0 ? positional.get(0) : env.get("QUARKUS_DATASOURCE_JDBC_URL");
        String user = positional.size() > 1 ? positional.get(1) : envOr(env, "QUARKUS_DATASOURCE_USERNAME", "postgres");
        String password =
                positional.size() > 2 ? positional.get(2) : envOr(env, "QUARKUS_DATASOURCE_PASSWORD", "postgres");
        return new ReconcileOptions(
                url == null || url.isBlank() ? null : url,
                user,
                password,
                new UnpricedReview(since == null ? null : since(since, now), tenants(tenants)));
    }

    /**
     * {@code --since}: an instant ({@code 2026-12-01T00:00:00Z}, or with an offset), a date (its midnight in UTC) or an
     * ISO-8601 duration before {@code now} ({@code P1D}, {@code PT36H}).
     */
    static Instant since(String value, Instant now) {
        String v = value.strip();
        try {
            if (v.startsWith("P") || v.startsWith("p")) {
                Duration d = Duration.parse(v);
                if (d.isNegative()) {
                    throw new IllegalArgumentException("--since: a duration counts back from now and cannot be"
                            + " negative, got '" + value + "'");
                }
                return now.minus(d);
            }
            if (v.length() == 10) {
                return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(v);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("--since must be an instant (2026-12-01T00:00:00Z), a date in UTC"
                    + " (2026-12-01) or a duration back from now (P1D, PT36H), got '" + value + "'");
        }
    }

    private static Set<UUID> tenants(String value) {
        Set<UUID> ids = new HashSet<>();
        if (value == null) {
            return ids;
        }
        for (String id : value.split(",")) {
            if (id.isBlank()) {
                continue;
            }
            try {
                ids.add(UUID.fromString(id.strip()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "--serve-unpriced-tenants (or GATEWAY_METERING_SERVE_UNPRICED_TENANTS)"
                                + " takes comma-separated tenant ids, and '" + id.strip()
                                + "' is not a tenant id (a UUID)");
            }
        }
        return ids;
    }

    private static String envOr(Map<String, String> env, String name, String def) {
        String v = env.get(name);
        return v == null || v.isBlank() ? def : v;
    }
}
