package io.ascendant.billing.rollup;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * {@code ascendant billing reconcile}: connects with JDBC and runs {@link Reconciler}. Exit status 0 when the rollups
 * equal the ledger and every row is priced, 1 when the rollups differ, 3 when they are equal but the ledger holds
 * UNPRICED rows (served usage charged 0, which no invoice bills), 2 on error.
 *
 * <p>Arguments: {@code <jdbc-url> [user] [password]}; defaults from {@code QUARKUS_DATASOURCE_JDBC_URL}, {@code
 * QUARKUS_DATASOURCE_USERNAME}, {@code QUARKUS_DATASOURCE_PASSWORD}.
 */
public final class ReconcileMain {

    /** Exit status: rollups equal the ledger, no unpriced rows. */
    public static final int OK = 0;
    /** Exit status: a rollup bucket differs from the ledger (takes precedence over {@link #UNPRICED}). */
    public static final int MISMATCH = 1;
    /** Exit status: the reconciliation could not run. */
    public static final int ERROR = 2;
    /** Exit status: rollups equal the ledger, but some served usage was recorded UNPRICED. */
    public static final int UNPRICED = 3;

    private ReconcileMain() {}

    public static void main(String[] args) {
        String url = args.length > 0 ? args[0] : System.getenv("QUARKUS_DATASOURCE_JDBC_URL");
        String user = args.length > 1 ? args[1] : envOr("QUARKUS_DATASOURCE_USERNAME", "postgres");
        String password = args.length > 2 ? args[2] : envOr("QUARKUS_DATASOURCE_PASSWORD", "postgres");
        if (url == null || url.isBlank()) {
            System.err.println("usage: ascendant billing reconcile <jdbc-url> [user] [password]"
                    + " (or set QUARKUS_DATASOURCE_JDBC_URL)");
            System.exit(ERROR);
        }
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            System.exit(reconcile(c, System.out));
        } catch (SQLException e) {
            // 42P01 undefined_table: the database exists but the billing schema was never migrated.
            System.err.println(
                    "42P01".equals(e.getSQLState())
                            ? "reconcile failed: the billing tables do not exist in " + url
                                    + "; apply the schema first with './ascendant migrate' (or start the gateway once)."
                            : "reconcile failed: " + e.getMessage());
            System.exit(ERROR);
        } catch (Exception e) {
            System.err.println("reconcile failed: " + e.getMessage());
            System.exit(ERROR);
        }
    }

    /**
     * Reconciles over {@code c}, prints the report to {@code out} and returns the exit status ({@link #OK}, {@link
     * #MISMATCH} or {@link #UNPRICED}).
     *
     * @throws SQLException when the database cannot be read (the caller answers {@link #ERROR})
     */
    public static int reconcile(Connection c, PrintStream out) throws SQLException {
        long t0 = System.nanoTime();
        Reconciler.Report r = Reconciler.run(c);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        out.printf(
                "ledger rows %d; hourly buckets %d (%d differ); daily buckets %d (%d differ); unpriced rows %d;"
                        + " %d ms%n",
                r.ledgerRows(),
                r.hourBuckets(),
                r.hourMismatches(),
                r.dayBuckets(),
                r.dayMismatches(),
                r.unpricedRows(),
                ms);
        r.samples().forEach(s -> out.println("  differs: " + s));
        out.println(r.consistent() ? "OK: rollups equal the ledger" : "MISMATCH: rollups differ from the ledger");
        if (r.unpricedRows() > 0) {
            printUnpriced(r, out);
        }
        return !r.consistent() ? MISMATCH : r.unpricedRows() > 0 ? UNPRICED : OK;
    }

    private static void printUnpriced(Reconciler.Report r, PrintStream out) {
        out.printf(
                "UNPRICED: %d ledger rows were served without a price in force for the tenant's currency; they are"
                        + " charged 0 and no invoice bills them:%n",
                r.unpricedRows());
        for (Reconciler.UnpricedUsage u : r.unpriced()) {
            out.printf(
                    "  tenant %s, model %s, currency %s: %d rows, finished %s .. %s%n",
                    u.tenantId(), u.priceTier(), u.currency(), u.rows(), u.firstFinished(), u.lastFinished());
        }
        long listed =
                r.unpriced().stream().mapToLong(Reconciler.UnpricedUsage::rows).sum();
        if (listed < r.unpricedRows()) {
            out.printf("  ... and %d more rows in other groups%n", r.unpricedRows() - listed);
        }
        out.println("What to do: add a list price (or a tenant override) in force for each model and currency above"
                + " (POST /admin/api/v1/billing/price-book, or the console's price book); until one is in force the"
                + " gateway refuses these requests, unless the tenant is listed in"
                + " gateway.metering.serve-unpriced-tenants. Rows already written are not re-rated (the ledger is"
                + " append-only and prices never apply retroactively): charge that usage outside the platform from"
                + " the rows' token counts if it must be billed.");
    }

    private static String envOr(String name, String def) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? def : v;
    }
}
