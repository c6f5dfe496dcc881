package io.ascendant.billing.rollup;

import java.sql.Connection;
import java.sql.DriverManager;

/**
 * {@code ascendant billing reconcile}: connects with JDBC and runs {@link Reconciler}. Exit status 0 when the rollups
 * equal the ledger, 1 when they differ, 2 on error.
 *
 * <p>Arguments: {@code <jdbc-url> [user] [password]}; defaults from {@code QUARKUS_DATASOURCE_JDBC_URL}, {@code
 * QUARKUS_DATASOURCE_USERNAME}, {@code QUARKUS_DATASOURCE_PASSWORD}.
 */
public final class ReconcileMain {

    private ReconcileMain() {}

    public static void main(String[] args) {
        String url = args.length > 0 ? args[0] : System.getenv("QUARKUS_DATASOURCE_JDBC_URL");
        String user = args.length > 1 ? args[1] : envOr("QUARKUS_DATASOURCE_USERNAME", "postgres");
        String password = args.length > 2 ? args[2] : envOr("QUARKUS_DATASOURCE_PASSWORD", "postgres");
        if (url == null || url.isBlank()) {
            System.err.println("usage: ascendant billing reconcile <jdbc-url> [user] [password]"
                    + " (or set QUARKUS_DATASOURCE_JDBC_URL)");
            System.exit(2);
        }
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            long t0 = System.nanoTime();
            Reconciler.Report r = Reconciler.run(c);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf(
                    "ledger rows %d; hourly buckets %d (%d differ); daily buckets %d (%d differ); unpriced rows %d;"
                            + " %d ms%n",
                    r.ledgerRows(),
                    r.hourBuckets(),
                    r.hourMismatches(),
                    r.dayBuckets(),
                    r.dayMismatches(),
                    r.unpricedRows(),
                    ms);
            r.samples().forEach(s -> System.out.println("  differs: " + s));
            System.out.println(
                    r.consistent() ? "OK: rollups equal the ledger" : "MISMATCH: rollups differ from the ledger");
            System.exit(r.consistent() ? 0 : 1);
        } catch (java.sql.SQLException e) {
            // 42P01 undefined_table: the database exists but the billing schema was never migrated.
            System.err.println(
                    "42P01".equals(e.getSQLState())
                            ? "reconcile failed: the billing tables do not exist in " + url
                                    + "; apply the schema first with './ascendant migrate' (or start the gateway once)."
                            : "reconcile failed: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            System.err.println("reconcile failed: " + e.getMessage());
            System.exit(2);
        }
    }

    private static String envOr(String name, String def) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? def : v;
    }
}
