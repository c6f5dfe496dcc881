package io.ascendant.gateway.bench;

import io.ascendant.tenancy.apikey.ApiKeyFormat;
import io.ascendant.tenancy.apikey.ApiKeyHasher;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Benchmark helper (bench/gateway): creates a tenant with one API key in a running gateway's database, or counts
 * the usage ledger rows the benchmark produced.
 *
 * <pre>
 * BenchKeys create &lt;jdbcUrl&gt; &lt;user&gt; &lt;password&gt; &lt;pepper&gt;   prints the key text
 * BenchKeys count  &lt;jdbcUrl&gt; &lt;user&gt; &lt;password&gt;            prints "rows completed"
 * </pre>
 */
public final class BenchKeys {
    private BenchKeys() {}

    public static void main(String[] args) throws SQLException {
        try (Connection c = DriverManager.getConnection(args[1], args[2], args[3])) {
            if (args[0].equals("count")) {
                try (PreparedStatement s = c.prepareStatement(
                                "select count(*), count(*) filter (where status = 'COMPLETED') from usage_ledger");
                        ResultSet rs = s.executeQuery()) {
                    rs.next();
                    System.out.println(rs.getLong(1) + " " + rs.getLong(2));
                }
                return;
            }
            UUID plan = UUID.randomUUID();
            UUID tenant = UUID.randomUUID();
            UUID project = UUID.randomUUID();
            ApiKeyFormat.Generated g = ApiKeyFormat.generate(new SecureRandom());
            String slug = "bench-" + tenant.toString().substring(0, 8);
            exec(c, "insert into plan (id, code, name) values (?, ?, 'Bench')", plan, slug);
            exec(
                    c,
                    "insert into tenant (id, slug, display_name, status, currency, time_zone, plan_id)"
                            + " values (?, ?, 'Bench', 'ACTIVE', 'USD', 'UTC', ?)",
                    tenant,
                    slug,
                    plan);
            exec(
                    c,
                    "insert into project (id, tenant_id, name, status) values (?, ?, 'bench', 'ACTIVE')",
                    project,
                    tenant);
            try (PreparedStatement s = c.prepareStatement("insert into api_key (id, tenant_id, project_id, public_id,"
                    + " name, secret_hash, last4, status, created_by) values (?, ?, ?, ?, 'bench', ?, ?, 'ACTIVE',"
                    + " 'bench')")) {
                s.setObject(1, UUID.randomUUID());
                s.setObject(2, tenant);
                s.setObject(3, project);
                s.setString(4, g.publicId());
                s.setBytes(5, new ApiKeyHasher(args[4]).hash(g.text()));
                s.setString(6, g.text().substring(g.text().length() - 4));
                s.executeUpdate();
            }
            exec(
                    c,
                    "insert into billing_account (tenant_id, display_name, currency, time_zone) values (?, 'Bench',"
                            + " 'USD', 'UTC')",
                    tenant);
            System.out.println(g.text());
        }
    }

    private static void exec(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            s.executeUpdate();
        }
    }
}
