package io.ascendant.billing.rating;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class MoneyTest {

    private static BigDecimal d(String s) {
        return new BigDecimal(s);
    }

    @Test
    void roundsHalfUpToTheMinorUnit() {
        assertThat(Money.round(d("0.005"), "USD")).isEqualByComparingTo("0.01");
        assertThat(Money.round(d("0.0049999999999999"), "USD")).isEqualByComparingTo("0.00");
        assertThat(Money.round(d("0.015"), "USD")).isEqualByComparingTo("0.02"); // HALF_EVEN would give 0.02 too
        assertThat(Money.round(d("0.025"), "USD")).isEqualByComparingTo("0.03"); // HALF_EVEN would give 0.02
        assertThat(Money.round(d("2.675"), "CNY")).isEqualByComparingTo("2.68");
        assertThat(Money.round(d("2.675"), "CNY").scale()).isEqualTo(2);
    }

    @Test
    void negativeAmountsRoundHalfAwayFromZero() {
        assertThat(Money.round(d("-0.005"), "USD")).isEqualByComparingTo("-0.01");
        assertThat(Money.round(d("-0.0049"), "USD")).isEqualByComparingTo("0.00");
    }

    @Test
    void usesTheCurrencysOwnMinorUnit() {
        assertThat(Money.round(d("12.5"), "JPY")).isEqualByComparingTo("13");
        assertThat(Money.round(d("12.5"), "JPY").scale()).isZero();
        assertThat(Money.round(d("1.0005"), "KWD")).isEqualByComparingTo("1.001");
        assertThat(Money.round(d("1.0005"), "KWD").scale()).isEqualTo(3);
    }

    @Test
    void chargeIsExactTokensTimesPricePerMillion() {
        // One Flash cache-hit token at $0.0028 per 1M tokens costs 2.8e-9 dollars, kept exactly.
        assertThat(Money.charge(1, d("0.0028"))).isEqualByComparingTo("0.0000000028");
        assertThat(Money.charge(123_456_789, d("3.96"))).isEqualByComparingTo("488.88888444");
        assertThat(Money.charge(0, d("3.96"))).isEqualByComparingTo("0");
        // Largest realistic line: 10^15 tokens at 10^10 per million stays exact.
        assertThat(Money.charge(1_000_000_000_000_000L, d("9999999999.9999999999")))
                .isEqualByComparingTo("9999999999999999999.9");
    }

    @Test
    void chargeHasTheValueAndScaleOfAnExactDivisionByOneMillion() {
        java.util.Random r = new java.util.Random(7);
        String[] prices = {"0", "0.0028", "0.14", "1.74", "3.48", "0.003625", "13.5", "27", "0.30", "100", "0.0000001"};
        for (int i = 0; i < 20_000; i++) {
            long tokens = i < 10 ? i : (i % 3 == 0 ? r.nextLong(0, 2_000_000_000_000L) : r.nextInt(5_000_000));
            BigDecimal price = d(prices[i % prices.length]);
            BigDecimal expected = BigDecimal.valueOf(tokens).multiply(price).divide(BigDecimal.valueOf(1_000_000L));
            BigDecimal actual = Money.charge(tokens, price);
            if (tokens == 0) {
                assertThat(actual).isEqualByComparingTo(expected);
            } else {
                assertThat(actual).as("%d tokens at %s", tokens, price).isEqualTo(expected); // value and scale
            }
        }
    }

    @Test
    void percentRoundsOnce() {
        assertThat(Money.percentOf(d("10.05"), d("19"), "USD")).isEqualByComparingTo("1.91"); // 1.9095
        assertThat(Money.percentOf(d("0.03"), d("10"), "USD")).isEqualByComparingTo("0.00"); // 0.003
        assertThat(Money.percentOf(d("0.05"), d("10"), "USD")).isEqualByComparingTo("0.01"); // 0.005
    }

    @Test
    void rejectsCurrenciesWithoutMinorUnit() {
        assertThrows(IllegalArgumentException.class, () -> Money.minorDigits("XAU"));
        assertThrows(IllegalArgumentException.class, () -> Money.minorDigits("ABC"));
    }
}
