package io.ascendant.tenancy.apikey;

import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * Turns an {@link ApiKeyAuthenticationRequest} into a {@link SecurityIdentity} whose principal is the
 * {@link ApiKeyCaller} and whose only role is {@value ApiKeyCaller#ROLE}.
 *
 * <p>A warm cache answers on the calling thread (the event loop), with no thread hand-off. A miss is looked up in
 * PostgreSQL on a virtual thread ({@link ApiKeyAuthenticator#lookup}: one load per public id however many requests
 * miss it at once), so neither an event loop nor a worker waits for the database; the request has its answer within
 * {@code tenancy.api-keys.lookup-timeout}, back on its own Vert.x context. A lookup that does not answer in time, or
 * fails, refuses the request with {@link TenantApiError#AUTH_UNAVAILABLE} (503 with {@code Retry-After}): a key that
 * cannot be checked is never taken as valid, and never reported as invalid either.
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
        Optional<ApiKeyAuthenticator.Result> cached = authenticator.tryCached(request.key(), request.billingRead());
        if (cached.isPresent()) {
            try {
                return Uni.createFrom().item(toIdentity(cached.get()));
            } catch (AuthenticationFailedException e) {
                return Uni.createFrom().failure(e);
            }
        }
        Duration deadline = authentication.lookupTimeout();
        Uni<ApiKeyAuthenticator.Result> looked = Uni.createFrom()
                .completionStage(() -> authenticator.lookup(request.key(), deadline, request.billingRead()));
        Context requestContext = Vertx.currentContext();
        if (requestContext != null) {
            // The lookup completes on its virtual thread (or the timer's): continue where the request was.
            looked = looked.emitOn(task -> requestContext.runOnContext(v -> task.run()));
        }
        return looked.onFailure()
                .recoverWithItem(e -> unavailable(e, deadline))
                .map(ApiKeyIdentityProvider::toIdentity);
    }

    /**
     * The identity of an authenticated key: principal the {@link ApiKeyCaller}, the one role {@value
     * ApiKeyCaller#ROLE}, and the tenant, project and key ids as attributes.
     */
    public static SecurityIdentity identityOf(ApiKeyCaller caller) {
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(caller)
                .addRole(ApiKeyCaller.ROLE)
                .addAttribute("tenantId", caller.tenantId())
                .addAttribute("projectId", caller.projectId())
                .addAttribute("keyId", caller.keyId())
                .build();
    }

    private static ApiKeyAuthenticator.Result unavailable(Throwable e, Duration deadline) {
        if (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof TimeoutException) {
            Log.warnf("API key could not be verified: the database did not answer within %d ms", deadline.toMillis());
        } else {
            Log.warnf("API key could not be verified: %s", e.getMessage());
        }
        return new ApiKeyAuthenticator.Refused(TenantApiError.AUTH_UNAVAILABLE);
    }

    private static SecurityIdentity toIdentity(ApiKeyAuthenticator.Result result) {
        return switch (result) {
            case ApiKeyAuthenticator.Authenticated a -> identityOf(a.caller());
            case ApiKeyAuthenticator.Refused r ->
                throw new AuthenticationFailedException(r.error().code(), Map.of(TenantApiError.ATTRIBUTE, r.error()));
        };
    }
}
