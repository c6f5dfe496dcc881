import io.ascendant.tenancy.apikey.ApiKeyAuthenticator;
import io.ascendant.tenancy.apikey.ApiKeyFormat;
import io.ascendant.tenancy.apikey.ApiKeyHasher;
import io.ascendant.tenancy.apikey.ApiKeyStore;
import io.ascendant.tenancy.apikey.LastUsedRecorder;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Tenancy benchmarks on an embedded PostgreSQL 17 migrated with the project's scripts:
 *
 * <ol>
 *   <li>Keyset pagination over N keys of one tenant (the SQL shape the admin API's key list issues): first page,
 *       deepest page, a full walk, a project filter and a name-prefix search; OFFSET paging of the deepest page for
 *       comparison; the plan of the keyset query.
 *   <li>API-key verification, warm cache: a known key vs an unknown (well-formed) key, ns per lookup.
 * </ol>
 *
 * Prints numbers; asserts nothing.
 */
public class KeyPaging {

    static final String PAGE_SQL = "select id, name, public_id, status, created_at from api_key where tenant_id = ? %s"
            + " order by id limit ?";

    public static void main(String[] args) throws Exception {
        Path migrations = Path.of(args[0]);
        int keys = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int pageSize = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            DataSource ds = pg.getPostgresDatabase();
            Flyway.configure().dataSource(ds).locations("filesystem:" + migrations.toAbsolutePath()).load().migrate();
            UUID tenant = UUID.randomUUID();
            UUID projectA = UUID.randomUUID();
            UUID projectB = UUID.randomUUID();
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("insert into tenant (id, slug, display_name, status, currency, time_zone, plan_id) values ('"
                        + tenant + "', 'bench', 'Bench', 'ACTIVE', 'USD', 'UTC',"
                        + " (select id from plan where code = 'standard'))");
                st.execute("insert into project (id, tenant_id, name, status) values ('" + projectA + "', '" + tenant
                        + "', 'a', 'ACTIVE'), ('" + projectB + "', '" + tenant + "', 'b', 'ACTIVE')");
            }
            long t0 = System.nanoTime();
            seed(ds, tenant, projectA, projectB, keys);
            System.out.printf("seeded %,d keys in %.1f s%n", keys, (System.nanoTime() - t0) / 1e9);
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("analyze api_key");
            }

            try (Connection c = ds.getConnection()) {
                for (int warm = 0; warm < 3; warm++) {
                    walk(c, tenant, null, pageSize);
                }
                List<Double> pageMs = new ArrayList<>();
                long walkStart = System.nanoTime();
                UUID last = walk(c, tenant, pageMs, pageSize);
                double walkMs = (System.nanoTime() - walkStart) / 1e6;
                double[] sorted = pageMs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                System.out.printf(
                        "keyset walk: %d pages of %d in %.0f ms; per page p50 %.2f ms, p95 %.2f ms, max %.2f ms%n",
                        sorted.length, pageSize, walkMs, pct(sorted, 50), pct(sorted, 95), sorted[sorted.length - 1]);
                System.out.printf("keyset first page: %.2f ms (median of 20)%n", median(20, () -> page(c, tenant, null, pageSize)));
                UUID deep = idAt(c, tenant, keys - pageSize);
                System.out.printf("keyset deepest page: %.2f ms (median of 20)%n", median(20, () -> page(c, tenant, deep, pageSize)));
                System.out.printf("OFFSET deepest page (for comparison): %.2f ms (median of 20)%n",
                        median(20, () -> offsetPage(c, tenant, keys - pageSize, pageSize)));
                System.out.printf("project filter first page: %.2f ms (median of 20)%n",
                        median(20, () -> query(c, String.format(PAGE_SQL, "and project_id = '" + projectA + "'"), tenant, pageSize)));
                System.out.printf("name prefix search 'seeded-9999', plain WHERE (walks the id index): %.2f ms (median of 20)%n",
                        median(20, () -> query(c, String.format(PAGE_SQL, "and lower(name) like 'seeded-9999%'"), tenant, pageSize)));
                String search = "with m as materialized (select * from api_key where tenant_id = ? and (lower(name) like"
                        + " 'seeded-9999%' escape '\\' or public_id = 'seeded-9999')) select id from m order by id limit ?";
                System.out.printf("name prefix search 'seeded-9999', as the API runs it (MATERIALIZED CTE): %.2f ms (median of 20)%n",
                        median(20, () -> query(c, search, tenant, pageSize)));
                String broad = "with m as materialized (select * from api_key where tenant_id = ? and (lower(name) like"
                        + " 'seeded-%' escape '\\' or public_id = 'seeded-')) select id from m order by id limit ?";
                System.out.printf("name prefix search 'seeded-' matching all keys (worst case): %.2f ms (median of 5)%n",
                        median(5, () -> query(c, broad, tenant, pageSize)));
                try (PreparedStatement ps = c.prepareStatement("explain " + String.format(PAGE_SQL, "and id > ?"))) {
                    ps.setObject(1, tenant);
                    ps.setObject(2, deep);
                    ps.setInt(3, pageSize + 1);
                    try (ResultSet rs = ps.executeQuery()) {
                        System.out.println("plan of the keyset query:");
                        while (rs.next()) {
                            System.out.println("  " + rs.getString(1));
                        }
                    }
                }
                if (last == null) {
                    throw new IllegalStateException("walk saw no rows");
                }
            }
            authBench(ds, tenant, projectA);
        }
        System.out.printf("machine: %d cores, %s %s, java %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"));
    }

    /** Warm-cache verification cost of a known key vs an unknown key. */
    static void authBench(DataSource ds, UUID tenant, UUID project) throws Exception {
        String pepper = "bench-pepper-0123456789abcdef0123456789";
        ApiKeyHasher hasher = new ApiKeyHasher(pepper);
        ApiKeyFormat.Generated known = ApiKeyFormat.generate(new SecureRandom());
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("insert into api_key (id, tenant_id, project_id, public_id, name,"
                        + " secret_hash, last4, status, created_by) values (?, ?, ?, ?, 'bench', ?, 'abcd', 'ACTIVE', 'bench')")) {
            ps.setObject(1, UUID.randomUUID());
            ps.setObject(2, tenant);
            ps.setObject(3, project);
            ps.setString(4, known.publicId());
            ps.setBytes(5, hasher.hash(known.text()));
            ps.executeUpdate();
        }
        ApiKeyStore store = new ApiKeyStore(ds);
        ApiKeyAuthenticator auth = new ApiKeyAuthenticator(
                store, hasher, new LastUsedRecorder(store), Clock.systemUTC(), 100_000, 20_000, Duration.ofMinutes(5));
        String unknown = ApiKeyFormat.generate(new SecureRandom()).text();
        if (!(auth.authenticate(known.text()) instanceof ApiKeyAuthenticator.Authenticated)) {
            throw new IllegalStateException("known key refused");
        }
        if (!(auth.authenticate(unknown) instanceof ApiKeyAuthenticator.Refused)) {
            throw new IllegalStateException("unknown key accepted");
        }
        int n = 200_000;
        double[] knownNs = new double[5];
        double[] unknownNs = new double[5];
        for (int round = 0; round < 5; round++) {
            knownNs[round] = nsPerOp(auth, known.text(), n);
            unknownNs[round] = nsPerOp(auth, unknown, n);
        }
        Arrays.sort(knownNs);
        Arrays.sort(unknownNs);
        System.out.printf("warm verification: known key %.0f ns/op, unknown key %.0f ns/op (median of 5 x %,d; no DB)%n",
                knownNs[2], unknownNs[2], n);
    }

    static double nsPerOp(ApiKeyAuthenticator auth, String key, int n) {
        long t = System.nanoTime();
        int ok = 0;
        for (int i = 0; i < n; i++) {
            if (auth.tryCached(key).isPresent()) {
                ok++;
            }
        }
        if (ok != n) {
            throw new IllegalStateException("cache miss during the warm run");
        }
        return (System.nanoTime() - t) / (double) n;
    }

    static void seed(DataSource ds, UUID tenant, UUID projectA, UUID projectB, int count) throws Exception {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("set local session_replication_role = replica");
            }
            try (PreparedStatement ps = c.prepareStatement("insert into api_key (id, tenant_id, project_id, public_id,"
                    + " name, secret_hash, last4, status, created_by)"
                    + " select md5(random()::text || g)::uuid, ?, case when g % 2 = 0 then ? else ? end,"
                    + " 's' || substr(md5(? || g), 1, 11), 'seeded-' || g,"
                    + " decode(md5(g::text || 'a') || md5(g::text || 'b'), 'hex'), 'abcd', 'ACTIVE', 'seeder'"
                    + " from generate_series(1, ?) g")) {
                ps.setObject(1, tenant);
                ps.setObject(2, projectA);
                ps.setObject(3, projectB);
                ps.setString(4, tenant.toString());
                ps.setInt(5, count);
                ps.executeUpdate();
            }
            c.commit();
        }
    }

    static UUID walk(Connection c, UUID tenant, List<Double> pageMs, int pageSize) throws Exception {
        UUID after = null;
        UUID last = null;
        int seen = 0;
        while (true) {
            long t = System.nanoTime();
            List<UUID> ids = page(c, tenant, after, pageSize);
            if (pageMs != null) {
                pageMs.add((System.nanoTime() - t) / 1e6);
            }
            int n = Math.min(ids.size(), pageSize);
            seen += n;
            if (n > 0) {
                last = ids.get(n - 1);
            }
            if (ids.size() <= pageSize) {
                break;
            }
            after = ids.get(pageSize - 1);
        }
        if (pageMs != null) {
            System.out.printf("keyset walk saw %,d keys%n", seen);
        }
        return last;
    }

    static List<UUID> page(Connection c, UUID tenant, UUID after, int pageSize) throws Exception {
        String sql = String.format(PAGE_SQL, after == null ? "" : "and id > ?");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setObject(i++, tenant);
            if (after != null) {
                ps.setObject(i++, after);
            }
            ps.setInt(i, pageSize + 1);
            List<UUID> out = new ArrayList<>(pageSize + 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getObject(1, UUID.class));
                }
            }
            return out;
        }
    }

    static Object offsetPage(Connection c, UUID tenant, int offset, int pageSize) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(
                "select id from api_key where tenant_id = ? order by id offset ? limit ?")) {
            ps.setObject(1, tenant);
            ps.setInt(2, offset);
            ps.setInt(3, pageSize);
            try (ResultSet rs = ps.executeQuery()) {
                int n = 0;
                while (rs.next()) {
                    n++;
                }
                return n;
            }
        }
    }

    static Object query(Connection c, String sql, UUID tenant, int pageSize) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, tenant);
            ps.setInt(2, pageSize + 1);
            try (ResultSet rs = ps.executeQuery()) {
                int n = 0;
                while (rs.next()) {
                    n++;
                }
                return n;
            }
        }
    }

    static UUID idAt(Connection c, UUID tenant, int offset) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(
                "select id from api_key where tenant_id = ? order by id offset ? limit 1")) {
            ps.setObject(1, tenant);
            ps.setInt(2, offset - 1);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, UUID.class);
            }
        }
    }

    interface Op {
        Object run() throws Exception;
    }

    static double median(int runs, Op op) throws Exception {
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            op.run();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return ms[runs / 2];
    }

    static double pct(double[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
