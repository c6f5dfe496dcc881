package io.ascendant.gateway.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * One API key's rows in {@code usage_ledger}, summed: what budget tests compare the budgets API's settled figures
 * against. The data path records usage after the answer, so tests wait for the rows with {@link #await}.
 *
 * @param rows recorded requests
 * @param amount the rated amount in the tenant's currency (0 when none)
 * @param tokens prompt (cache hit and miss) plus output tokens
 */
public record KeyLedgerTotals(long rows, BigDecimal amount, long tokens) {

    /** The key's totals now. */
    public static KeyLedgerTotals of(DataSource dataSource, UUID key) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT count(*), coalesce(sum(amount), 0),"
                        + " coalesce(sum(cache_hit_tokens + cache_miss_tokens + output_tokens), 0)"
                        + " FROM usage_ledger WHERE key_id = ?")) {
            ps.setObject(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new KeyLedgerTotals(rs.getLong(1), rs.getBigDecimal(2), rs.getLong(3));
            }
        }
    }

    /**
     * The key's totals once all {@code expected} requests are recorded (polls for at most ~30 s); fails the test if
     * the count is then anything else.
     */
    public static KeyLedgerTotals await(DataSource dataSource, UUID key, int expected)
            throws SQLException, InterruptedException {
        KeyLedgerTotals s = of(dataSource, key);
        for (int i = 0; i < 300 && s.rows() < expected; i++) {
            Thread.sleep(100);
            s = of(dataSource, key);
        }
        assertThat(s.rows()).as("ledger rows of the key").isEqualTo(expected);
        return s;
    }
}
