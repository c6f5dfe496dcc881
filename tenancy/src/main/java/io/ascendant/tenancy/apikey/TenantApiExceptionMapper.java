package io.ascendant.tenancy.apikey;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Renders {@link TenantApiException} in the shape of the API addressed: Anthropic's error body on
 * {@link ApiKeyAuthenticationMechanism#isAnthropicPath Anthropic paths}, OpenAI's everywhere else.
 */
public class TenantApiExceptionMapper {

    @ServerExceptionMapper
    public Response map(TenantApiException e, HttpServerRequest request) {
        Object entity = ApiKeyAuthenticationMechanism.isAnthropicPath(request.path())
                ? e.error().anthropicJson(e.detail())
                : e.error().body(e.param(), e.detail());
        return Response.status(e.error().status())
                .type(MediaType.APPLICATION_JSON)
                .entity(entity)
                .build();
    }
}
