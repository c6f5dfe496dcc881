package io.ascendant.gateway.quota;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The application with quota enforcement on (the test profile turns it off for other features' tests), and a price
 * book reloaded every second so a test can add a version that starts two seconds later.
 */
public class QuotaEnabledProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "gateway.quota.enabled",
                "true",
                "gateway.quota.thresholds",
                "50,100",
                "billing.price-book.refresh-interval",
                "1s");
    }
}
