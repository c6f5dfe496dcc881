package io.ascendant.gateway.quota;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import io.ascendant.gateway.quota.budget.PeriodKind;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.List;

/**
 * A gateway replica in its own JVM for {@link CrashedReplicaTest}: registers, holds budget for three requests in
 * flight, prints {@code HOLDING <replica id>} and waits to be killed.
 *
 * <p>Arguments: JDBC URL, user, password.
 */
public final class CrashedReplicaChild {

    private CrashedReplicaChild() {}

    public static void main(String[] args) throws Exception {
        AgroalDataSource ds = AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(cp -> cp.maxSize(2)
                        .connectionFactoryConfiguration(cf -> cf.jdbcUrl(args[0])
                                .principal(new NamePrincipal(args[1]))
                                .credential(new SimplePassword(args[2])))));
        QuotaEngine engine = new QuotaEngine(ds, Clock.systemUTC(), QuotaFixtures.settings(), "doomed-replica");
        engine.start();
        QuotaPolicy policy = QuotaFixtures.policy(
                List.of(),
                List.of(QuotaFixtures.moneyBudget(CrashedReplicaTest.POOL, BigDecimal.ONE, PeriodKind.MONTH)));
        for (int i = 0; i < 3; i++) {
            engine.admit(QuotaFixtures.request("in-flight-" + i, new BigDecimal("0.3")), policy);
        }
        System.out.println("HOLDING " + engine.replicaId());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
