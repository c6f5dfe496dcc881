package io.ascendant.billing.rollup;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;

/**
 * {@code ascendant billing reconcile}: connects with JDBC and runs {@link Reconciler}. Exit status 0 when the rollups
 * equal the ledger and no unpriced row needs review, 1 when the rollups differ, 3 when they are equal but UNPRICED rows
 * (served usage charged 0, which no invoice bills) need review ({@link UnpricedReview}: by default every one; {@code
 * --since} and the tenants served unpriced on purpose narrow that down), 2 on error. Every unpriced row is listed
 * whatever the status.
 *
 * <p>Command line: {@link ReconcileOptions}.
 */
public final class ReconcileMain {

    /** Exit status: rollups equal the ledger, no unpriced row needs review. */
    public static final int OK = 0;
    /** Exit status: a rollup bucket differs from the ledger (takes precedence over {@link #UNPRICED}). */
    public static final int MISMATCH = 1;
    /** Exit status: the reconciliation could not run (also a refused command line). */
    public static final int ERROR = 2;
    /** Exit status: rollups equal the ledger, but unpriced rows need review. */
    public static final int UNPRICED = 3;

    private ReconcileMain() {}

    public static void main(String[] args) {
        ReconcileOptions options;
        try {
            options = ReconcileOptions.parse(args, System.getenv(), Instant.now());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(ERROR);
            return;
        }
        String url = options.url();
        if (url == null) {
            System.err.println(ReconcileOptions.USAGE);
            System.exit(ERROR);
            return;
        }
        try (Connection c = DriverManager.getConnection(url, options.user(), options.password())) {
            System.exit(reconcile(c, System.out, options.review()));
        } catch (SQLException e) {
            System.err.println(failure(e, url));
            System.exit(ERROR);
        } catch (Exception e) {
            System.err.println("reconcile failed: " + e.getMessage());
            System.exit(ERROR);
        }
    }

    /**
     * The one line printed when the database fails: what to do for a database that is not there (SQLState class 08,
     * connection exception: nothing listens, typically the platform is not running) or not migrated (42P01
     * undefined_table), else the driver's message.
     */
    static String failure(SQLException e, String url) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("08")) {
            return "reconcile failed: could not connect to " + url + " (" + e.getMessage() + "); start the platform"
                    + " with './ascendant up', or point QUARKUS_DATASOURCE_JDBC_URL (or the jdbc-url argument) at the"
                    + " database.";
        }
        if (state.equals("42P01")) {
            return "reconcile failed: the billing tables do not exist in " + url
                    + "; apply the schema first with './ascendant migrate' (or start the gateway once).";
        }
        return "reconcile failed: " + e.getMessage();
    }

    /** {@link #reconcile(Connection, PrintStream, UnpricedReview)} where every unpriced row needs review. */
    public static int reconcile(Connection c, PrintStream out) throws SQLException {
        return reconcile(c, out, UnpricedReview.ALL);
    }

    /**
     * Reconciles over {@code c}, prints the report to {@code out} and returns the exit status ({@link #OK}, {@link
     * #MISMATCH} or {@link #UNPRICED}).
     *
     * @param review which unpriced rows need review (make the status {@link #UNPRICED})
     * @throws SQLException when the database cannot be read (the caller answers {@link #ERROR})
     */
    public static int reconcile(Connection c, PrintStream out, UnpricedReview review) throws SQLException {
        long t0 = System.nanoTime();
        Reconciler.Report r = Reconciler.run(c, review);
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
            UnpricedListing.print(r, review, Instant.now(), out);
        }
        return !r.consistent() ? MISMATCH : r.unpricedRowsToReview() > 0 ? UNPRICED : OK;
    }
}
