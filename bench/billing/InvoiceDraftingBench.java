import io.ascendant.billing.invoice.InvoiceDrafter;
import io.ascendant.billing.pricebook.PriceBook;
import io.ascendant.billing.pricebook.PriceBookRepository;
import io.ascendant.billing.rollup.Reconciler;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.YearMonth;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Drafting invoices for 1,000 tenants over 10 million usage rows (October 2026), from the daily rollups.
 *
 * <p>Setup (not timed as drafting): 1,000 billing accounts in 8 time zones and two currencies; N ledger rows written
 * with set-based SQL that rates them exactly like the writer (latest version by finish time, DeepSeek peak windows
 * in Beijing time, billing day in the tenant's zone), spread over 5 keys and 2 models per tenant; the hourly and
 * daily rollups built from the ledger and proven equal to it by the Reconciler (also timed). Then every tenant's
 * October invoice is drafted with InvoiceDrafter in chunks of 250 tenants per transaction, as the scheduled job
 * does. Prints the times.
 *
 * <p>Usage: InvoiceDraftingBench &lt;migrations dir&gt; [rows=10000000] [tenants=1000]
 */
public class InvoiceDraftingBench {
    public static void main(String[] args) throws Exception {
        Path migrations = Path.of(args[0]);
        long rows = args.length > 1 ? Long.parseLong(args[1]) : 10_000_000L;
        int tenants = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        String[] zones = {"UTC", "Europe/Berlin", "America/New_York", "Asia/Shanghai", "Asia/Kolkata",
            "Australia/Sydney", "America/Los_Angeles", "Pacific/Chatham"};
        try (EmbeddedPostgres pg = BenchDatabase.start(migrations)) {
            DataSource ds = pg.getPostgresDatabase();
            UUID[] ids = new UUID[tenants];
            String[] tz = new String[tenants];
            String[] cur = new String[tenants];
            // Opened before October 2026: months that ended before an account was opened are not invoiced.
            try (Connection c = ds.getConnection();
                    PreparedStatement ps = c.prepareStatement("INSERT INTO billing_account (tenant_id, display_name,"
                            + " currency, time_zone, tax_rate_percent, discount_percent, created_at)"
                            + " VALUES (?,?,?,?,19,2.5,'2026-01-01 00:00:00+00')")) {
                for (int i = 0; i < tenants; i++) {
                    ids[i] = UUID.randomUUID();
                    tz[i] = zones[i % zones.length];
                    cur[i] = i % 4 == 0 ? "CNY" : "USD";
                    ps.setObject(1, ids[i]);
                    ps.setString(2, "Tenant " + i);
                    ps.setString(3, cur[i]);
                    ps.setString(4, tz[i]);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            if (count(ds, "SELECT count(*) FROM price_book_version WHERE effective_from > '2026-10-01'"
                    + " AND effective_from < '2026-11-01'") != 0) {
                throw new IllegalStateException("a price version starts inside October 2026; the generator assumes none");
            }
            long t0 = System.nanoTime();
            String insert = """
                    WITH s AS (
                        SELECT g, (g % ?) + 1 AS ti, (g % 3 = 0) AS pro,
                               timestamptz '2026-10-01 00:00:00+00' + ((g * 7919) % 2678400) * interval '1 second' AS fin,
                               (g % 5000) AS hit, (g % 20000) AS miss, (g % 4000) + 1 AS out
                        FROM generate_series(?::bigint, ?::bigint) g),
                    t AS (
                        SELECT s.*, (?::uuid[])[ti] AS tenant, (?::text[])[ti] AS zone, (?::text[])[ti] AS cur,
                               CASE WHEN pro THEN 'deepseek-v4-pro' ELSE 'deepseek-v4-flash' END AS model,
                               (fin AT TIME ZONE 'Asia/Shanghai') AS bj
                        FROM s),
                    v AS (
                        -- No version starts inside October 2026 (checked below), so one version per model and
                        -- currency prices the whole month: the latest one started by October 1.
                        SELECT DISTINCT ON (model, currency) model AS vmodel, currency AS vcur, id AS vid,
                               cache_hit_per_mtok, cache_miss_per_mtok, output_per_mtok, peak_cache_hit_per_mtok,
                               peak_cache_miss_per_mtok, peak_output_per_mtok
                        FROM price_book_version
                        WHERE tenant_id IS NULL AND effective_from <= timestamptz '2026-10-01 00:00:00+00'
                        ORDER BY model, currency, effective_from DESC),
                    u AS (
                        SELECT t.*, v.*, (extract(isodow FROM bj) < 6 AND ((bj::time >= '09:00' AND bj::time < '12:00')
                               OR (bj::time >= '14:00' AND bj::time < '18:00'))) AS peak
                        FROM t JOIN v ON v.vmodel = t.model AND v.vcur = t.cur)
                    INSERT INTO usage_ledger (request_id, tenant_id, project_id, key_id, model, host_pod,
                        cache_hit_tokens, cache_miss_tokens, output_tokens, reasoning_tokens, status,
                        counted_by_gateway, started_at, finished_at, billing_day, currency, price_version_id,
                        price_window, amount)
                    SELECT 'bench-' || g, tenant, tenant, md5(tenant::text || (g % 5))::uuid, model, 'pod-1', hit, miss,
                           out, 0, 'COMPLETED', false, fin - interval '1 second', fin, (fin AT TIME ZONE zone)::date,
                           cur, vid, CASE WHEN peak THEN 'PEAK' ELSE 'OFF_PEAK' END,
                           CASE WHEN peak
                                THEN (hit * peak_cache_hit_per_mtok + miss * peak_cache_miss_per_mtok
                                      + out * peak_output_per_mtok) / 1000000
                                ELSE (hit * cache_hit_per_mtok + miss * cache_miss_per_mtok
                                      + out * output_per_mtok) / 1000000 END
                    FROM u
                    """;
            long chunk = 1_000_000;
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(insert)) {
                for (long from = 1; from <= rows; from += chunk) {
                    ps.setInt(1, tenants);
                    ps.setLong(2, from);
                    ps.setLong(3, Math.min(rows, from + chunk - 1));
                    ps.setArray(4, c.createArrayOf("uuid", ids));
                    ps.setArray(5, c.createArrayOf("text", tz));
                    ps.setArray(6, c.createArrayOf("text", cur));
                    ps.executeUpdate();
                }
            }
            long t1 = System.nanoTime();
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("INSERT INTO usage_rollup_day SELECT tenant_id, billing_day, project_id, key_id, model,"
                        + " currency, coalesce(price_version_id, 0), price_window, count(*), sum(cache_hit_tokens),"
                        + " sum(cache_miss_tokens), sum(output_tokens), sum(reasoning_tokens), sum(amount)"
                        + " FROM usage_ledger GROUP BY 1, 2, 3, 4, 5, 6, 7, 8");
                st.execute("INSERT INTO usage_rollup_hour SELECT tenant_id,"
                        + " date_trunc('hour', finished_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', project_id, key_id,"
                        + " model, currency, coalesce(price_version_id, 0), price_window, count(*),"
                        + " sum(cache_hit_tokens), sum(cache_miss_tokens), sum(output_tokens), sum(reasoning_tokens),"
                        + " sum(amount) FROM usage_ledger GROUP BY 1, 2, 3, 4, 5, 6, 7, 8");
                st.execute("ANALYZE");
            }
            long t2 = System.nanoTime();
            Reconciler.Report report;
            try (Connection c = ds.getConnection()) {
                report = Reconciler.run(c);
            }
            long t3 = System.nanoTime();
            long dayRows = count(ds, "SELECT count(*) FROM usage_rollup_day");

            PriceBook book;
            try (Connection c = ds.getConnection()) {
                book = PriceBookRepository.loadAll(c);
            }
            InvoiceDrafter drafter = new InvoiceDrafter(() -> book, () -> book, 3, Clock.systemUTC());
            long d0 = System.nanoTime();
            int drafted = 0;
            int lines = 0;
            for (int i = 0; i < tenants; i += 250) {
                UUID[] part = java.util.Arrays.copyOfRange(ids, i, Math.min(tenants, i + 250));
                try (Connection c = ds.getConnection()) {
                    c.setAutoCommit(false);
                    InvoiceDrafter.ChunkResult r = drafter.draftChunk(c, part, YearMonth.of(2026, 10), false);
                    c.commit();
                    drafted += r.drafted();
                    lines += r.lines();
                }
            }
            long d1 = System.nanoTime();
            long invoices = count(ds, "SELECT count(*) FROM invoice WHERE period_start = '2026-10-01'");
            System.out.printf("setup: %,d ledger rows written by SQL in %.1f s; rollups built in %.1f s (%,d daily rows)%n",
                    rows, (t1 - t0) / 1e9, (t2 - t1) / 1e9, dayRows);
            System.out.printf("reconcile: %,d ledger rows vs %,d hourly + %,d daily buckets: %s in %.1f s%n",
                    report.ledgerRows(), report.hourBuckets(), report.dayBuckets(),
                    report.consistent() ? "equal" : "DIFFERENT", (t3 - t2) / 1e9);
            System.out.printf("drafting: %d tenants, %,d usage rows -> %d invoices, %,d lines in %.2f s (cores %d)%n",
                    tenants, rows, invoices, lines, (d1 - d0) / 1e9, Runtime.getRuntime().availableProcessors());
            if (drafted != tenants || invoices != tenants || !report.consistent()) {
                System.out.println("FAILED: expected one draft per tenant and consistent rollups");
                System.exit(1);
            }
        }
    }

    private static long count(DataSource ds, String sql) throws Exception {
        try (Connection c = ds.getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
