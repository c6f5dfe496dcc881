package io.ascendant.tenancy.apikey;

import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;

/**
 * Turns an {@link ApiKeyAuthenticationRequest} into a {@link SecurityIdentity} whose principal is the
 * {@link ApiKeyCaller} and whose only role is {@value ApiKeyCaller#ROLE}. A warm cache answers on the calling thread;
 * a miss runs on a worker thread (database lookup).
 */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<ApiKeyAuthenticationRequest> {

    @Inject
    ApiKeyAuthentication authentication;

    @Override
    public Class<ApiKeyAuthenticationRequest> getRequestType() {
        return ApiKeyAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(ApiKeyAuthenticationRequest request, AuthenticationRequestContext ctx) {
        ApiKeyAuthenticator authenticator = authentication.authenticator();
        Optional<ApiKeyAuthenticator.Result> cached = authenticator.tryCached(request.key());
        if (cached.isPresent()) {
            try {
                return Uni.createFrom().item(toIdentity(cached.get()));
            } catch (AuthenticationFailedException e) {
                return Uni.createFrom().failure(e);
            }
        }
        return ctx.runBlocking(() -> {
            ApiKeyAuthenticator.Result result;
            try {
                result = authenticator.authenticate(request.key());
            } catch (RuntimeException e) {
                // Database unreachable on a cache miss: a clean 503, never a 500 and never "invalid key".
                Log.warnf("API key could not be verified: %s", e.getMessage());
                result = new ApiKeyAuthenticator.Refused(TenantApiError.AUTH_UNAVAILABLE);
            }
            return toIdentity(result);
        });
    }

    private static SecurityIdentity toIdentity(ApiKeyAuthenticator.Result result) {
        return switch (result) {
            case ApiKeyAuthenticator.Authenticated a ->
                QuarkusSecurityIdentity.builder()
                        .setPrincipal(a.caller())
                        .addRole(ApiKeyCaller.ROLE)
                        .addAttribute("tenantId", a.caller().tenantId())
                        .addAttribute("projectId", a.caller().projectId())
                        .addAttribute("keyId", a.caller().keyId())
                        .build();
            case ApiKeyAuthenticator.Refused r ->
                throw new AuthenticationFailedException(r.error().code(), Map.of(TenantApiError.ATTRIBUTE, r.error()));
        };
    }
}
