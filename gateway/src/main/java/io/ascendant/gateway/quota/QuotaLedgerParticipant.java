package io.ascendant.gateway.quota;

import io.ascendant.billing.ledger.LedgerTransactionParticipant;
import io.ascendant.billing.ledger.RatedUsage;
import io.ascendant.billing.pricebook.PriceWindow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Settles budget holds in the usage ledger's batch transaction (contract 2): a hold is settled in the same commit
 * that makes its usage row durable, exactly once.
 */
@ApplicationScoped
public class QuotaLedgerParticipant implements LedgerTransactionParticipant {

    @Inject
    QuotaService quota;

    @Override
    public void onRowsCommitting(Connection c, List<RatedUsage> rows) throws SQLException {
        List<LedgerRow> mine = new ArrayList<>(rows.size());
        for (RatedUsage r : rows) {
            mine.add(new LedgerRow(
                    r.requestId(),
                    r.event().promptTokens() + r.event().completionTokens(),
                    r.amount(),
                    r.window() != PriceWindow.UNPRICED));
        }
        quota.engine().settleInLedger(c, mine);
    }
}
