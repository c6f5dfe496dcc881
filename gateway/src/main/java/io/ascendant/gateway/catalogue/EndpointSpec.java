package io.ascendant.gateway.catalogue;

/**
 * One model-host endpoint of a pool, as the catalogue knows it.
 *
 * @param poolName the pool
 * @param baseUrl {@code http://host:port} without a trailing slash
 * @param accelerator CPU or ASCEND
 * @param draining true when no new requests may go to it
 * @param source where the endpoint came from
 */
public record EndpointSpec(String poolName, String baseUrl, Accelerator accelerator, boolean draining, Source source) {

    /** Origin of an endpoint. */
    public enum Source {
        /** {@code gateway.catalogue.pools.<name>.endpoints}. */
        STATIC,
        /** A DNS name's records ({@code dns}). */
        DNS,
        /** Registered through the admin API. */
        REGISTERED
    }
}
