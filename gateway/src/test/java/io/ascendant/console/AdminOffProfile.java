package io.ascendant.console;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** A data-plane-only replica: the admin plane (API and console) switched off. */
public class AdminOffProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("admin.enabled", "false");
    }
}
