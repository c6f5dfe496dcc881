package io.ascendant.tenancy.keycloak;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.ext.ContextResolver;

/**
 * The JSON mapping of Keycloak admin representations, registered on the admin client's JAX-RS client: the JSON
 * providers of Quarkus' REST client take their {@link ObjectMapper} from a {@code ContextResolver} registered on the
 * client, instead of the application's mapper. The settings are those of the Quarkus extension's own admin client and
 * of Keycloak's: null fields are left out (an older server may not know them), and fields this client does not know
 * are ignored (a newer server sends them; the bundled admin client is older than the Keycloak we ship).
 *
 * <p>Thread-safe: one mapper, configured once, shared by every call.
 */
final class KeycloakJson implements ContextResolver<ObjectMapper> {

    private final ObjectMapper mapper = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** The same mapper for every type: every entity of this client is a Keycloak representation. */
    @Override
    public ObjectMapper getContext(Class<?> type) {
        return mapper;
    }
}
