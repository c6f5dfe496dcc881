package io.ascendant.admin.billing;

import io.ascendant.billing.BillingException;
import io.ascendant.billing.rollup.UsageBucket;
import io.ascendant.billing.rollup.UsageQueries;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Groups a tenant's daily or hourly usage buckets by day, hour, model, project or key and sums them in exact decimals,
 * for the console's usage table and chart. Reads billing's rollups (through {@link UsageQueries} and
 * {@link UsageReports}), never the ledger; project and key names come from tenancy's tables by id.
 */
@ApplicationScoped
public class UsageSummaries {

    /** The groupings {@link #summary} accepts. */
    public static final Set<String> GROUPINGS = Set.of("day", "hour", "model", "projectId", "keyId");

    private static final DateTimeFormatter LOCAL_HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final UsageQueries daily;
    private final UsageReports reports;
    private final DataSource dataSource;

    @Inject
    public UsageSummaries(UsageQueries daily, UsageReports reports, DataSource dataSource) {
        this.daily = daily;
        this.reports = reports;
        this.dataSource = dataSource;
    }

    /**
     * The usage of [from, to] (local dates in {@code zone}, inclusive) grouped by {@code by}, with the total.
     *
     * @throws BillingException.Invalid for an unknown grouping (field {@code by}) or a range the daily or hourly report
     *     refuses
     */
    public UsageSummary summary(UUID tenantId, String currency, ZoneId zone, LocalDate from, LocalDate to, String by) {
        if (!GROUPINGS.contains(by)) {
            throw new BillingException.Invalid("by", "by must be day, hour, model, projectId or keyId");
        }
        Map<String, Sum> groups = new LinkedHashMap<>();
        Sum total = new Sum(null, null);
        if (by.equals("hour")) {
            for (HourlyUsage u : reports.hourly(tenantId, zone, from, to)) {
                Sum s = groups.computeIfAbsent(u.hour().toString(), k -> new Sum(k, LOCAL_HOUR.format(u.hour())));
                s.add(u.requests(), u.promptCacheHitTokens(), u.promptCacheMissTokens(), u.completionTokens());
                s.addMoney(u.reasoningTokens(), u.amount());
                total.add(u.requests(), u.promptCacheHitTokens(), u.promptCacheMissTokens(), u.completionTokens());
                total.addMoney(u.reasoningTokens(), u.amount());
            }
            disambiguateRepeatedHours(groups);
        } else {
            for (UsageBucket b : daily.daily(tenantId, from, to)) {
                String key = switch (by) {
                    case "day" -> b.day().toString();
                    case "model" -> b.model();
                    case "projectId" -> String.valueOf(b.projectId());
                    default -> String.valueOf(b.keyId());
                };
                Sum s = groups.computeIfAbsent(key, k -> new Sum(k, k));
                s.add(b.requests(), b.promptCacheHitTokens(), b.promptCacheMissTokens(), b.completionTokens());
                s.addMoney(b.reasoningTokens(), b.amount());
                total.add(b.requests(), b.promptCacheHitTokens(), b.promptCacheMissTokens(), b.completionTokens());
                total.addMoney(b.reasoningTokens(), b.amount());
            }
            if (by.equals("projectId") || by.equals("keyId")) {
                name(groups, by.equals("projectId") ? "project" : "api_key", tenantId);
            }
        }
        List<Sum> ordered = new ArrayList<>(groups.values());
        if (!by.equals("hour")) {
            // Hours stay in time order (a repeated local hour keeps its place); days sort as ISO dates.
            ordered.sort(Comparator.comparing((Sum s) -> s.label).thenComparing(s -> s.key));
        }
        return new UsageSummary(
                by, currency, zone.getId(), ordered.stream().map(Sum::group).toList(), total.group());
    }

    /** A local hour that occurs twice (clocks set back) gets its offset appended, so both rows are told apart. */
    private static void disambiguateRepeatedHours(Map<String, Sum> groups) {
        Map<String, Integer> seen = new HashMap<>();
        groups.values().forEach(s -> seen.merge(s.label, 1, Integer::sum));
        for (Sum s : groups.values()) {
            if (seen.get(s.label) > 1) {
                s.label = s.label + " (" + s.key.substring(16).replaceFirst("^:\\d\\d", "") + ")";
            }
        }
    }

    /** Replaces project or key ids by their names; {@code table} is a fixed tenancy table name, never input. */
    private void name(Map<String, Sum> groups, String table, UUID tenantId) {
        if (groups.isEmpty()) {
            return;
        }
        String sql = "SELECT id::text, name FROM " + table + " WHERE tenant_id = ? AND id::text = ANY (?)";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, tenantId);
            ps.setArray(2, c.createArrayOf("text", groups.keySet().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Sum s = groups.get(rs.getString(1));
                    if (s != null) {
                        s.label = rs.getString(2);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("usage summary names failed: SQLState " + e.getSQLState(), e);
        }
    }

    /** Running sums of one group; money in exact decimals. Not thread-safe: one request's local. */
    private static final class Sum {
        final String key;
        String label;
        long requests;
        long hit;
        long miss;
        long out;
        long reasoning;
        BigDecimal amount = BigDecimal.ZERO;

        Sum(String key, String label) {
            this.key = key;
            this.label = label;
        }

        void add(long requests, long hit, long miss, long out) {
            this.requests += requests;
            this.hit += hit;
            this.miss += miss;
            this.out += out;
        }

        void addMoney(long reasoning, BigDecimal amount) {
            this.reasoning += reasoning;
            this.amount = this.amount.add(amount);
        }

        UsageSummary.Group group() {
            BigDecimal a = amount.stripTrailingZeros();
            return new UsageSummary.Group(
                    key,
                    label,
                    requests,
                    hit,
                    miss,
                    out,
                    reasoning,
                    (a.scale() < 0 ? a.setScale(0) : a).toPlainString());
        }
    }
}
