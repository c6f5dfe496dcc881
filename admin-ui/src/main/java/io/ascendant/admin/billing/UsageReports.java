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
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Usage reports of the admin API: hourly buckets read from billing's hourly rollup (never the ledger), and CSV of the
 * daily or hourly buckets. Ranges are local dates in the tenant's billing time zone, both inclusive: the hourly
 * report covers [local midnight of {@code from}, local midnight after {@code to}).
 */
@ApplicationScoped
public class UsageReports {

    /** Longest hourly report, in days (the hourly rollup is 24 rows per day, model and key). */
    public static final int MAX_HOURLY_DAYS = 31;

    private static final String HOURLY_SQL = "SELECT hour_start, model, key_id, project_id, currency, sum(requests),"
            + " sum(cache_hit_tokens), sum(cache_miss_tokens), sum(output_tokens), sum(reasoning_tokens), sum(amount)"
            + " FROM usage_rollup_hour WHERE tenant_id = ? AND hour_start >= ? AND hour_start < ?"
            + " GROUP BY hour_start, model, key_id, project_id, currency ORDER BY hour_start, model, key_id";

    /** Local hour with its offset, seconds always written: {@code 2026-11-30T09:00:00+01:00}. */
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    private final DataSource dataSource;
    private final UsageQueries daily;

    @Inject
    public UsageReports(DataSource dataSource, UsageQueries daily) {
        this.dataSource = dataSource;
        this.daily = daily;
    }

    /**
     * A tenant's usage per hour × model × key between the local midnights around [from, to] in {@code zone}.
     *
     * @throws BillingException.Invalid when {@code to} is before {@code from} or the range exceeds {@value
     *     #MAX_HOURLY_DAYS} days
     */
    public List<HourlyUsage> hourly(UUID tenantId, ZoneId zone, LocalDate from, LocalDate to) {
        if (to.isBefore(from)) {
            throw new BillingException.Invalid("to", "the range needs from <= to (ISO dates, inclusive)");
        }
        if (ChronoUnit.DAYS.between(from, to) >= MAX_HOURLY_DAYS) {
            throw new BillingException.Invalid(
                    "to", "an hourly usage query spans at most " + MAX_HOURLY_DAYS + " days; use the daily one");
        }
        Instant start = from.atStartOfDay(zone).toInstant();
        Instant end = to.plusDays(1).atStartOfDay(zone).toInstant();
        List<HourlyUsage> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(HOURLY_SQL)) {
            ps.setObject(1, tenantId);
            ps.setTimestamp(2, Timestamp.from(start));
            ps.setTimestamp(3, Timestamp.from(end));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Instant hour = rs.getTimestamp(1).toInstant();
                    out.add(new HourlyUsage(
                            hour,
                            hour.atZone(zone).toOffsetDateTime(),
                            rs.getString(2),
                            rs.getObject(3, UUID.class),
                            rs.getObject(4, UUID.class),
                            rs.getLong(6),
                            rs.getLong(7),
                            rs.getLong(8),
                            rs.getLong(9),
                            rs.getLong(10),
                            plain(rs.getBigDecimal(11)),
                            rs.getString(5).trim()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("hourly usage query failed: SQLState " + e.getSQLState(), e);
        }
    }

    /** The daily report as CSV (header line, one line per day, model and key). */
    public String dailyCsv(UUID tenantId, LocalDate from, LocalDate to) {
        StringBuilder sb = new StringBuilder(
                "day,model,project_id,key_id,requests,cache_hit_tokens,cache_miss_tokens,output_tokens,"
                        + "reasoning_tokens,amount,currency\n");
        for (UsageBucket b : daily.daily(tenantId, from, to)) {
            sb.append(b.day()).append(',');
            line(sb, b.model(), b.projectId(), b.keyId(), b.requests(), b.promptCacheHitTokens());
            sb.append(b.promptCacheMissTokens())
                    .append(',')
                    .append(b.completionTokens())
                    .append(',');
            sb.append(b.reasoningTokens())
                    .append(',')
                    .append(b.amount().toPlainString())
                    .append(',');
            sb.append(b.currency()).append('\n');
        }
        return sb.toString();
    }

    /** The hourly report as CSV; {@code hour} is the local hour with its offset. */
    public String hourlyCsv(UUID tenantId, ZoneId zone, LocalDate from, LocalDate to) {
        StringBuilder sb = new StringBuilder(
                "hour,model,project_id,key_id,requests,cache_hit_tokens,cache_miss_tokens,output_tokens,"
                        + "reasoning_tokens,amount,currency\n");
        for (HourlyUsage h : hourly(tenantId, zone, from, to)) {
            sb.append(HOUR.format(h.hour())).append(',');
            line(sb, h.model(), h.projectId(), h.keyId(), h.requests(), h.promptCacheHitTokens());
            sb.append(h.promptCacheMissTokens())
                    .append(',')
                    .append(h.completionTokens())
                    .append(',');
            sb.append(h.reasoningTokens())
                    .append(',')
                    .append(h.amount().toPlainString())
                    .append(',');
            sb.append(h.currency()).append('\n');
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String model, UUID project, UUID key, long requests, long hit) {
        sb.append(csv(model))
                .append(',')
                .append(project)
                .append(',')
                .append(key)
                .append(',');
        sb.append(requests).append(',').append(hit).append(',');
    }

    /** RFC 4180 quoting; a leading formula character is prefixed with ' so spreadsheets do not evaluate it. */
    static String csv(String v) {
        if (v == null) {
            return "";
        }
        String s = !v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0 ? "'" + v : v;
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    private static BigDecimal plain(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }
}
