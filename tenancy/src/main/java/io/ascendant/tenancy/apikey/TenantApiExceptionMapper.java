package io.ascendant.tenancy.apikey;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Renders {@link TenantApiException} as the OpenAI-shaped error. */
public class TenantApiExceptionMapper {

    @ServerExceptionMapper
    public Response map(TenantApiException e) {
        return Response.status(e.error().status())
                .type(MediaType.APPLICATION_JSON)
                .entity(e.error().body(e.param()))
                .build();
    }
}
