package io.ascendant.modelhost.server.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points {@code modelhost.model-dir} at the generated DEMO checkpoint, with small bounds so that tests can reach
 * them: 4 running sequences, 4 waiting, 16-token blocks.
 */
public class DemoModelResource implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
        return Map.of(
                "modelhost.model-dir", DemoCheckpoint.dir().toString(),
                "modelhost.max-running-sequences", "4",
                "modelhost.max-waiting-requests", "4",
                "modelhost.max-model-len", "4096",
                "modelhost.kv-cache-bytes", "1500000",
                "modelhost.prefix-cache.bytes", "67108864",
                "modelhost.prefix-cache.block-size", "16",
                "modelhost.prefill-tokens-per-step", "64",
                "modelhost.drain-grace", "20s");
    }

    @Override
    public void stop() {}
}
