package io.ascendant.gateway.catalogue;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The admin-managed part of the catalogue in PostgreSQL (tables of {@code V050__create_model_catalogue.sql}). Every
 * write bumps {@code catalogue_revision} in the caller's transaction so that replicas reload. Plain JDBC: the rows
 * are small and read whole on every reload.
 */
@ApplicationScoped
public class CatalogueRepository {

    @Inject
    Instance<DataSource> dataSource;

    /** True when a datasource is configured. */
    public boolean available() {
        return dataSource.isResolvable();
    }

    /** The current revision; bumps on every change. */
    public long revision() throws SQLException {
        try (Connection c = dataSource.get().getConnection();
                PreparedStatement s = c.prepareStatement("select revision from catalogue_revision where id = 1");
                ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0L;
        }
    }

    /**
     * Takes the catalogue's write lock (the revision row, {@code for update}) until the caller's transaction ends, so
     * that admin writes checking names against the stored catalogue run one at a time and no two of them both pass a
     * check that only one of them may pass (a model name against another model's alias, for instance). Must run
     * inside the caller's JTA transaction.
     */
    public void lockForWrite() throws SQLException {
        try (Connection c = dataSource.get().getConnection();
                PreparedStatement s =
                        c.prepareStatement("select revision from catalogue_revision where id = 1 for update");
                ResultSet rs = s.executeQuery()) {
            rs.next();
        }
    }

    /** All stored routes with their aliases. */
    public List<ModelRoute> findAllRoutes() throws SQLException {
        try (Connection c = dataSource.get().getConnection()) {
            Map<String, List<String>> aliases = new HashMap<>();
            try (PreparedStatement s = c.prepareStatement("select alias, public_name from model_alias order by alias");
                    ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    aliases.computeIfAbsent(rs.getString(2), k -> new ArrayList<>())
                            .add(rs.getString(1));
                }
            }
            List<ModelRoute> routes = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                            "select public_name, pool_name, price_tier, upstream_model, max_output_tokens,"
                                    + " context_length from model_route order by public_name");
                    ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    routes.add(new ModelRoute(
                            name,
                            aliases.getOrDefault(name, List.of()),
                            rs.getString(3),
                            rs.getString(2),
                            rs.getString(4),
                            rs.getLong(5),
                            rs.getLong(6)));
                }
            }
            return routes;
        }
    }

    /** All stored pools with their registered endpoints. */
    public List<PoolSpec> findAllPools() throws SQLException {
        try (Connection c = dataSource.get().getConnection()) {
            Map<String, List<EndpointSpec>> endpoints = new HashMap<>();
            try (PreparedStatement s = c.prepareStatement(
                            "select pool_name, base_url, accelerator, draining from pool_endpoint order by base_url");
                    ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    endpoints
                            .computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(new EndpointSpec(
                                    rs.getString(1),
                                    rs.getString(2),
                                    Accelerator.valueOf(rs.getString(3)),
                                    rs.getBoolean(4),
                                    EndpointSpec.Source.REGISTERED));
                }
            }
            Map<String, PoolSpec> pools = new LinkedHashMap<>();
            try (PreparedStatement s =
                            c.prepareStatement("select name, accelerator, dns_name from model_pool order by name");
                    ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    pools.put(
                            name,
                            new PoolSpec(
                                    name,
                                    Accelerator.valueOf(rs.getString(2)),
                                    Optional.ofNullable(rs.getString(3)),
                                    endpoints.getOrDefault(name, List.of())));
                }
            }
            return new ArrayList<>(pools.values());
        }
    }

    /** Registered endpoints of one pool with their ids. */
    public List<RegisteredEndpoint> findEndpoints(String pool) throws SQLException {
        try (Connection c = dataSource.get().getConnection();
                PreparedStatement s = c.prepareStatement("select id, base_url, accelerator, draining, registered_at"
                        + " from pool_endpoint where pool_name = ? order by base_url")) {
            s.setString(1, pool);
            List<RegisteredEndpoint> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new RegisteredEndpoint(
                            rs.getObject(1, UUID.class),
                            pool,
                            rs.getString(2),
                            Accelerator.valueOf(rs.getString(3)),
                            rs.getBoolean(4),
                            rs.getTimestamp(5).toInstant()));
                }
            }
            return out;
        }
    }

    /**
     * Creates or replaces a pool.
     *
     * @return true when it was created
     */
    public boolean upsertPool(String name, Accelerator accelerator, String dnsName) throws SQLException {
        return write(c -> {
            boolean existed;
            try (PreparedStatement s = c.prepareStatement("select 1 from model_pool where name = ?")) {
                s.setString(1, name);
                try (ResultSet rs = s.executeQuery()) {
                    existed = rs.next();
                }
            }
            try (PreparedStatement s = c.prepareStatement(
                    "insert into model_pool (name, accelerator, dns_name) values (?, ?, ?) on conflict (name) do"
                            + " update set accelerator = excluded.accelerator, dns_name = excluded.dns_name,"
                            + " updated_at = now()")) {
                s.setString(1, name);
                s.setString(2, accelerator.name());
                s.setString(3, dnsName);
                s.executeUpdate();
            }
            return !existed;
        });
    }

    /** Deletes a pool and its registered endpoints; false when it did not exist. Fails while a route uses it. */
    public boolean deletePool(String name) throws SQLException {
        return write(c -> {
            try (PreparedStatement s = c.prepareStatement("delete from model_pool where name = ?")) {
                s.setString(1, name);
                return s.executeUpdate() > 0;
            }
        });
    }

    /**
     * Creates or replaces a route and its aliases.
     *
     * @return true when it was created
     */
    public boolean upsertRoute(ModelRoute route) throws SQLException {
        return write(c -> {
            boolean existed;
            try (PreparedStatement s = c.prepareStatement("select 1 from model_route where public_name = ?")) {
                s.setString(1, route.publicName());
                try (ResultSet rs = s.executeQuery()) {
                    existed = rs.next();
                }
            }
            try (PreparedStatement s = c.prepareStatement("insert into model_route (public_name, pool_name,"
                    + " price_tier, upstream_model, max_output_tokens, context_length) values (?, ?, ?, ?, ?, ?)"
                    + " on conflict (public_name) do update set pool_name = excluded.pool_name, price_tier ="
                    + " excluded.price_tier, upstream_model = excluded.upstream_model, max_output_tokens ="
                    + " excluded.max_output_tokens, context_length = excluded.context_length, updated_at = now()")) {
                s.setString(1, route.publicName());
                s.setString(2, route.poolName());
                s.setString(3, route.priceTier());
                s.setString(4, route.upstreamModel());
                s.setLong(5, route.maxOutputTokens());
                s.setLong(6, route.contextLength());
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("delete from model_alias where public_name = ?")) {
                s.setString(1, route.publicName());
                s.executeUpdate();
            }
            for (String alias : route.aliases()) {
                try (PreparedStatement s =
                        c.prepareStatement("insert into model_alias (alias, public_name) values (?, ?)")) {
                    s.setString(1, alias);
                    s.setString(2, route.publicName());
                    s.executeUpdate();
                }
            }
            return !existed;
        });
    }

    /** Deletes a route; false when it did not exist. */
    public boolean deleteRoute(String publicName) throws SQLException {
        return write(c -> {
            try (PreparedStatement s = c.prepareStatement("delete from model_route where public_name = ?")) {
                s.setString(1, publicName);
                return s.executeUpdate() > 0;
            }
        });
    }

    /** Registers an endpoint in a pool; returns the stored row (the existing one if the URL is already there). */
    public RegisteredEndpoint registerEndpoint(String pool, String baseUrl, Accelerator accelerator)
            throws SQLException {
        write(c -> {
            try (PreparedStatement s = c.prepareStatement("insert into pool_endpoint (id, pool_name, base_url,"
                    + " accelerator) values (?, ?, ?, ?) on conflict (pool_name, base_url) do update set"
                    + " accelerator = excluded.accelerator")) {
                s.setObject(1, UUID.randomUUID());
                s.setString(2, pool);
                s.setString(3, baseUrl);
                s.setString(4, accelerator.name());
                s.executeUpdate();
            }
            return true;
        });
        return findEndpoints(pool).stream()
                .filter(e -> e.baseUrl().equals(baseUrl))
                .findFirst()
                .orElseThrow();
    }

    /** Marks a registered endpoint draining or not; false when it does not exist. */
    public boolean setDraining(String pool, UUID id, boolean draining) throws SQLException {
        return write(c -> {
            try (PreparedStatement s =
                    c.prepareStatement("update pool_endpoint set draining = ? where pool_name = ? and id = ?")) {
                s.setBoolean(1, draining);
                s.setString(2, pool);
                s.setObject(3, id);
                return s.executeUpdate() > 0;
            }
        });
    }

    /** Removes a registered endpoint; false when it does not exist. */
    public boolean deregisterEndpoint(String pool, UUID id) throws SQLException {
        return write(c -> {
            try (PreparedStatement s = c.prepareStatement("delete from pool_endpoint where pool_name = ? and id = ?")) {
                s.setString(1, pool);
                s.setObject(2, id);
                return s.executeUpdate() > 0;
            }
        });
    }

    private interface Write {
        boolean apply(Connection c) throws SQLException;
    }

    /**
     * Runs one write and bumps the revision. Must run inside the caller's JTA transaction (the admin service's), so
     * the change, the revision bump and the audit row commit together.
     */
    private boolean write(Write w) throws SQLException {
        try (Connection c = dataSource.get().getConnection()) {
            boolean result = w.apply(c);
            try (PreparedStatement s =
                    c.prepareStatement("update catalogue_revision set revision = revision + 1 where id = 1")) {
                s.executeUpdate();
            }
            return result;
        }
    }

    /** A registered endpoint row. */
    public record RegisteredEndpoint(
            UUID id,
            String pool,
            String baseUrl,
            Accelerator accelerator,
            boolean draining,
            java.time.Instant registeredAt) {}
}
