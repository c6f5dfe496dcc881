package io.ascendant.tenancy.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class LimitValuesTest {

    @Test
    void overlayReplacesOnlySetFields() {
        LimitValues plan = new LimitValues(600, 2_000_000L, 32, BudgetPeriod.MONTH, 1_000_000L, null);
        LimitValues tenant = new LimitValues(100, null, null, null, null, new BigDecimal("50.00"));

        LimitValues merged = plan.overlay(tenant);

        assertThat(merged)
                .isEqualTo(
                        new LimitValues(100, 2_000_000L, 32, BudgetPeriod.MONTH, 1_000_000L, new BigDecimal("50.00")));
    }

    @Test
    void keepsAMoneyBudgetInItsShortestPlainForm() {
        assertThat(budget("5.00").toString()).isEqualTo("5");
        assertThat(budget("5.000000").toString()).isEqualTo("5");
        assertThat(budget("0.500000").toString()).isEqualTo("0.5");
        assertThat(budget("1E+3").toString()).isEqualTo("1000");
        assertThat(budget("0.000001").toString()).isEqualTo("0.000001");
        assertThat(budget("0.00").toString()).isEqualTo("0");
        assertThat(budget(null)).isNull();
        assertThat(new LimitValues(null, null, null, BudgetPeriod.DAY, null, new BigDecimal("5.00")))
                .isEqualTo(new LimitValues(null, null, null, BudgetPeriod.DAY, null, new BigDecimal("5.000000")));
    }

    private static BigDecimal budget(String amount) {
        return new LimitValues(null, null, null, BudgetPeriod.DAY, null, amount == null ? null : new BigDecimal(amount))
                .budgetAmount();
    }

    @Test
    void overlayWithNothingKeepsValues() {
        LimitValues v = new LimitValues(1, 2L, 3, null, null, null);

        assertThat(v.overlay(LimitValues.NONE)).isEqualTo(v);
        assertThat(v.overlay(null)).isEqualTo(v);
        assertThat(LimitValues.NONE.isEmpty()).isTrue();
    }
}
