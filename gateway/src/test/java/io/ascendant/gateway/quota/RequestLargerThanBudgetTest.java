package io.ascendant.gateway.quota;

import static io.ascendant.gateway.quota.QuotaFixtures.KEY;
import static io.ascendant.gateway.quota.QuotaFixtures.PROJECT;
import static io.ascendant.gateway.quota.QuotaFixtures.TENANT;
import static io.ascendant.gateway.quota.QuotaFixtures.moneyBudget;
import static io.ascendant.gateway.quota.QuotaFixtures.policy;
import static io.ascendant.gateway.quota.QuotaFixtures.request;
import static io.ascendant.gateway.quota.QuotaFixtures.settings;
import static io.ascendant.gateway.quota.QuotaFixtures.tokenBudget;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.agroal.api.AgroalDataSource;
import io.ascendant.gateway.quota.budget.PeriodKind;
import io.ascendant.gateway.quota.lease.PoolSpec;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A request whose hold exceeds a whole budget (worst-case cost over a money budget, prompt plus max_tokens over a token
 * budget) can never be admitted, in any period: it is refused without a retry time, told what to change, and the
 * budget is not recorded as exhausted. It used to get the end of the period as its retry time, so SDKs waited for the
 * next period and failed again. A request that fits the whole budget but not what is left keeps that retry time.
 */
class RequestLargerThanBudgetTest {

    private static final ZoneId UTC = ZoneId.of("UTC");
    /** Output price per million tokens of {@link #priced}: 1.20; prompt (cache-miss) price 0.30. */
    private static final BigDecimal OUTPUT_PRICE = new BigDecimal("1.20");

    private QuotaTestDb db;
    private AgroalDataSource pool;
    private QuotaEngine engine;

    @BeforeEach
    void oneReplica() {
        db = new QuotaTestDb("quota_whole");
        pool = db.newPool(4);
        MutableClock clock = new MutableClock(Instant.parse("2026-11-15T12:00:00Z"));
        engine = new QuotaEngine(pool, clock, settings(), "replica-a");
        engine.start();
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void tokenBudgetSmallerThanTheRequestSaysWhichMaxTokensFitsWithoutRetryAndIsNotExhausted() throws Exception {
        QuotaPolicy policy = policy(List.of(), List.of(tokenBudget("tokens:key:whole", 200, PeriodKind.DAY)));

        QuotaRefusal refusal = refusal(request("big", 50, 400, null, UTC), policy);

        assertThat(refusal.code()).isEqualTo("quota_exceeded");
        assertThat(refusal.retryable()).isFalse();
        assertThat(refusal.retryAfterSeconds()).isZero();
        assertThat(refusal.message())
                .isEqualTo("Request too large for key token budget: the whole budget is 200 tokens, and the request"
                        + " would hold 450 tokens (prompt 50 + max_tokens 400). Set max_tokens to at most 150 so that"
                        + " prompt plus max_tokens fits the budget, or ask for a higher budget. Retrying will not"
                        + " help.");
        assertThat(db.count("SELECT count(*) FROM quota_event WHERE kind = 'EXHAUSTED'"))
                .isZero();

        // The suggested max_tokens is admitted: it holds the whole budget.
        assertThat(engine.admit(request("fits", 50, 150, null, UTC), policy)).isNotNull();
    }

    @Test
    void promptAloneLargerThanTheTokenBudgetSaysToShortenIt() {
        QuotaPolicy policy = policy(List.of(), List.of(tokenBudget("tokens:key:prompt", 200, PeriodKind.DAY)));

        QuotaRefusal refusal = refusal(request("long-prompt", 250, 16, null, UTC), policy);

        assertThat(refusal.retryable()).isFalse();
        assertThat(refusal.message())
                .contains("would hold 266 tokens (prompt 250 + max_tokens 16)")
                .contains("The prompt alone does not fit the budget: shorten it, or ask for a higher budget.")
                .doesNotContain("Set max_tokens");
    }

    @Test
    void moneyBudgetSmallerThanTheWorstCaseSaysTheLargestMaxTokensItsPricesAllow() {
        QuotaPolicy policy = policy(
                List.of(), List.of(moneyBudget("money:tenant:whole", new BigDecimal("0.001"), PeriodKind.MONTH)));

        // Worst case 1000 × 0.30 + 4096 × 1.20 per million = 0.0052152 USD; 0.001 USD leaves 0.0007 for output.
        QuotaRefusal refusal = refusal(priced("big", 1000, 4096), policy);

        assertThat(refusal.code()).isEqualTo("quota_exceeded");
        assertThat(refusal.retryAfterSeconds()).isZero();
        assertThat(refusal.message())
                .isEqualTo("Request too large for tenant money budget: the whole budget is 0.001 USD, and the request"
                        + " would hold 0.0052152 USD (its worst case: prompt 1000 tokens at the cache-miss price +"
                        + " max_tokens 4096 at the output price). Set max_tokens to at most 583 so that the worst case"
                        + " fits the budget, or ask for a higher budget. Retrying will not help.");
        assertThat(refusal(priced("one-more", 1000, 584), policy).retryable()).isFalse();
        assertThat(engine.admit(priced("fits", 1000, 583), policy)).isNotNull();
    }

    @Test
    void moneyBudgetWithoutKnownPricesSaysWhatToChange() {
        QuotaPolicy policy = policy(
                List.of(), List.of(moneyBudget("money:tenant:noprices", new BigDecimal("0.001"), PeriodKind.DAY)));

        QuotaRefusal refusal = refusal(request("big", 1000, 4096, new BigDecimal("0.0052152"), UTC), policy);

        assertThat(refusal.retryable()).isFalse();
        assertThat(refusal.message())
                .contains(
                        "Lower max_tokens or shorten the prompt, or ask for a higher budget. Retrying will not help.");
    }

    @Test
    void zeroMoneyBudgetSaysAnAdministratorMustRaiseIt() {
        QuotaPolicy policy =
                policy(List.of(), List.of(moneyBudget("money:tenant:zero", BigDecimal.ZERO, PeriodKind.MONTH)));

        QuotaRefusal refusal = refusal(priced("any", 10, 16), policy);

        assertThat(refusal.retryable()).isFalse();
        assertThat(refusal.message())
                .contains("the whole budget is 0 USD")
                .contains("No request is admitted until an administrator raises the budget.");
    }

    @Test
    void requestThatFitsTheWholeBudgetButNotWhatIsLeftKeepsTheEndOfThePeriodAsRetryTime() throws Exception {
        QuotaPolicy policy = policy(List.of(), List.of(tokenBudget("tokens:key:left", 1_000, PeriodKind.DAY)));
        QuotaTicket first = engine.admit(request("first", 100, 500, null, UTC), policy);
        // settled, not just held: a hold in flight would clear within seconds (a short Retry-After, see
        // BudgetLifecycleTest); settled usage stays until the period ends
        QuotaFixtures.recordUsage(engine, pool, first, 100, 500, BigDecimal.ZERO);
        engine.maintain();

        QuotaRefusal refusal = refusal(request("second", 100, 400, null, UTC), policy);

        assertThat(refusal.retryable()).isTrue();
        // 12:00 UTC: the day's period ends in twelve hours.
        assertThat(refusal.retryAfterSeconds()).isEqualTo(12 * 3600);
        assertThat(refusal.message()).startsWith("Limit reached: key token budget is 1000 tokens");
        assertThat(db.count("SELECT count(*) FROM quota_event WHERE kind = 'EXHAUSTED'"))
                .isEqualTo(1);
    }

    @Test
    void aBudgetTheRequestCanNeverFitAnswersBeforeABudgetThatIsOnlyFullForNow() throws Exception {
        PoolSpec tenantMoney = moneyBudget("money:tenant:full", new BigDecimal("0.01"), PeriodKind.MONTH);
        engine.admit(priced("fills-it", 1000, 7000), policy(List.of(), List.of(tenantMoney)));
        QuotaPolicy both =
                policy(List.of(), List.of(tenantMoney, tokenBudget("tokens:key:small", 500, PeriodKind.DAY)));

        QuotaRefusal refusal = refusal(priced("big", 1000, 4096), both);

        assertThat(refusal.limitKey()).isEqualTo("tokens:key:small");
        assertThat(refusal.retryable()).isFalse();
        assertThat(refusal.message()).contains("The prompt alone does not fit the budget");
    }

    @Test
    void shadowBudgetSmallerThanTheRequestOnlyRecordsWhatItWouldRefuse() throws Exception {
        PoolSpec shadow = new PoolSpec(
                "tokens:key:shadow",
                PoolSpec.Unit.TOKENS,
                null,
                BigDecimal.valueOf(200),
                PeriodKind.DAY,
                true,
                "key daily token budget (shadow)");

        assertThat(engine.admit(request("big", 50, 400, null, UTC), policy(List.of(), List.of(shadow))))
                .isNotNull();

        assertThat(db.count("SELECT count(*) FROM quota_event WHERE kind = 'SHADOW_REFUSAL'"
                        + " AND pool_key = 'tokens:key:shadow' AND detail LIKE 'Request too large for key daily token"
                        + " budget (shadow)%Set max_tokens to at most 150%'"))
                .isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM quota_event WHERE kind = 'EXHAUSTED'"))
                .isZero();
    }

    private QuotaRefusal refusal(QuotaRequest r, QuotaPolicy policy) {
        return assertThrows(QuotaRefusedException.class, () -> engine.admit(r, policy))
                .refusal();
    }

    /** A request rated at 0.30 per million prompt tokens and {@link #OUTPUT_PRICE} per million output tokens. */
    private static QuotaRequest priced(String id, long prompt, long maxOut) {
        BigDecimal worstCase = new BigDecimal("0.30")
                .multiply(BigDecimal.valueOf(prompt))
                .add(OUTPUT_PRICE.multiply(BigDecimal.valueOf(maxOut)))
                .divide(BigDecimal.valueOf(1_000_000));
        return new QuotaRequest(
                id, TENANT, PROJECT, KEY, "deepseek-v4-flash", UTC, prompt, maxOut, worstCase, OUTPUT_PRICE);
    }
}
