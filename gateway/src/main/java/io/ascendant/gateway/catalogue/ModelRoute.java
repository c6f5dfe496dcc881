package io.ascendant.gateway.catalogue;

import java.util.List;

/**
 * A public model name and where it goes.
 *
 * @param publicName the name tenants send in {@code model} and see in {@code /v1/models}
 * @param aliases other names that resolve to this route
 * @param priceTier the billing price tier the usage is rated with
 * @param poolName the pool of endpoints serving it
 * @param upstreamModel the model name sent to the hosts
 * @param maxOutputTokens largest {@code max_tokens} a request may ask for
 * @param contextLength configured context window (tokens, prompt plus output); tenants get the smaller of it and
 *     what the pool's pods report ({@code dispatch.PoolContextWindows})
 */
public record ModelRoute(
        String publicName,
        List<String> aliases,
        String priceTier,
        String poolName,
        String upstreamModel,
        long maxOutputTokens,
        long contextLength) {

    public ModelRoute {
        aliases = List.copyOf(aliases);
    }
}
