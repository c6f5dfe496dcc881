package io.ascendant.tenancy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;

/** Seeds many API-key rows with one INSERT ... SELECT (fast; triggers off for the session). */
final class KeySeeder {

    private KeySeeder() {}

    /**
     * Inserts {@code count} keys named {@code seeded-<n>} into the tenant, alternating between two projects. Their
     * hashes are random bytes: these keys are for listing, not for authentication.
     */
    static void seed(DataSource db, UUID tenant, UUID projectA, UUID projectB, int count) throws Exception {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                // No NOTIFY per seeded row: nobody has these keys cached.
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
}
