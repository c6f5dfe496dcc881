package io.ascendant.gateway.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.quota.budget.PeriodKind;
import io.ascendant.gateway.quota.lease.PoolSpec;
import io.ascendant.gateway.quota.ratelimit.RateSpec;
import io.ascendant.tenancy.limits.BudgetPeriod;
import io.ascendant.tenancy.limits.EffectiveLimits;
import io.ascendant.tenancy.limits.EffectiveLimitsResolver;
import io.ascendant.tenancy.limits.LimitValues;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.ZoneId;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tenancy's effective limits become counters per level, per model only where a model-specific value exists. */
class QuotaPoliciesTest {

    private static final UUID T = UUID.randomUUID();
    private static final UUID P = UUID.randomUUID();
    private static final UUID K = UUID.randomUUID();
    private static final String PRO = "deepseek-v4-pro";

    private QuotaTestDb db;
    private QuotaPolicies policies;

    @BeforeEach
    void setUp() {
        db = new QuotaTestDb("quota_policies");
        policies = new QuotaPolicies();
        policies.dataSource = db.newPool(2);
        policies.resolver = new EffectiveLimitsResolver() {
            @Override
            public EffectiveLimits resolve(UUID tenantId, UUID projectId, UUID keyId, String model) {
                LimitValues tenant = new LimitValues(600, 1_000_000L, null, null, null, null);
                LimitValues project =
                        new LimitValues(null, null, null, BudgetPeriod.MONTH, null, new BigDecimal("50.000000"));
                // The key has 100 rpm for all models and 10 rpm for the Pro model.
                LimitValues key = new LimitValues(model.equals(PRO) ? 10 : 100, null, 4, null, null, null);
                return new EffectiveLimits(
                        tenantId, projectId, keyId, model, "EUR", ZoneId.of("Europe/Paris"), tenant, project, key);
            }
        };
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void modelSpecificValuesGetTheirOwnCounterAndOthersAreShared() {
        Map<String, RateSpec> pro = rates(policies.policy(policies.limits(T, P, K, PRO), PRO));
        Map<String, RateSpec> flash =
                rates(policies.policy(policies.limits(T, P, K, "deepseek-v4-flash"), "deepseek-v4-flash"));
        assertThat(pro.get("rpm:key:" + K + ":" + PRO).perMinute()).isEqualTo(10);
        assertThat(flash.get("rpm:key:" + K + ":*").perMinute()).isEqualTo(100);
        assertThat(pro).containsKeys("rpm:tenant:" + T + ":*", "tpm:tenant:" + T + ":*");
        assertThat(pro.get("tpm:tenant:" + T + ":*").kind()).isEqualTo(RateSpec.Kind.TOKENS);
        // A refusal names the model only where the value is the model's own.
        assertThat(pro.get("rpm:key:" + K + ":" + PRO).label())
                .isEqualTo("requests per minute (key, model " + PRO + ")");
        assertThat(flash.get("rpm:key:" + K + ":*").label()).isEqualTo("requests per minute (key)");
    }

    @Test
    void budgetsAndConcurrencyBecomePoolsInTheTenantsCurrency() {
        QuotaPolicy policy = policies.policy(policies.limits(T, P, K, PRO), PRO);
        Map<String, PoolSpec> pools =
                policy.pools().stream().collect(Collectors.toMap(PoolSpec::key, Function.identity()));
        PoolSpec money = pools.get("money:project:" + P + ":*:MONTH");
        assertThat(money.unit()).isEqualTo(PoolSpec.Unit.MONEY);
        assertThat(money.currency()).isEqualTo("EUR");
        assertThat(money.period()).isEqualTo(PeriodKind.MONTH);
        assertThat(money.label()).isEqualTo("project monthly budget");
        assertThat(pools.get("concurrency:key:" + K + ":*").limit()).isEqualByComparingTo("4");
        assertThat(policy.pools()).noneMatch(PoolSpec::shadow);
    }

    @Test
    void shadowLimitsCountOnSeparateCounters() throws Exception {
        try (Connection c = db.newConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO quota_shadow_limit (id, scope, owner_id,"
                        + " tenant_id, model, requests_per_minute) VALUES (?, 'TENANT', ?, ?, '*', 5)")) {
            ps.setObject(1, UUID.randomUUID());
            ps.setObject(2, T);
            ps.setObject(3, T);
            ps.executeUpdate();
        }
        Map<String, RateSpec> rates = rates(policies.policy(policies.limits(T, P, K, PRO), PRO));
        RateSpec shadow = rates.get("shadow-rpm:tenant:" + T + ":*");
        assertThat(shadow.shadow()).isTrue();
        assertThat(shadow.perMinute()).isEqualTo(5);
        assertThat(rates.get("rpm:tenant:" + T + ":*").shadow()).isFalse();
    }

    private static Map<String, RateSpec> rates(QuotaPolicy p) {
        return p.rates().stream().collect(Collectors.toMap(RateSpec::key, Function.identity()));
    }
}
