package io.ascendant.gateway.api;

import io.ascendant.tenancy.apikey.ApiKeyAuthentication;
import io.ascendant.tenancy.apikey.ApiKeyAuthenticationMechanism;
import io.ascendant.tenancy.apikey.ApiKeyAuthenticator;
import io.ascendant.tenancy.apikey.ApiKeyIdentityProvider;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Optional;

/**
 * The data path's shortcut past Quarkus' HTTP security chain for the common request: a {@code POST} to a tenant
 * inference endpoint whose one API key is in the tenancy module's key cache and valid. Such a request is authenticated
 * here, synchronously, and handed straight to its endpoint's handler; every other request (no key, two keys, a key of
 * the wrong form, a cache miss, a refused key, any other path or method) goes on down the router unchanged, through the
 * proactive {@link ApiKeyAuthenticationMechanism}, which answers it exactly as before.
 *
 * <p>Why: at concurrency 1 the security chain (the mechanism's {@code Uni}, the identity provider manager, context
 * propagation snapshots on each Mutiny stage, and Quarkus REST's per-request URI-template lookup for observability
 * that follows authentication) was about a fifth of the event loop's own work per request. The credential rules are
 * the mechanism's own ({@link ApiKeyAuthenticationMechanism#presentedKey}), the verdict the cache's
 * ({@link ApiKeyAuthenticator#tryCached}, which also records last use) and the identity the identity provider's
 * ({@link ApiKeyIdentityProvider#identityOf}), so a request is authenticated the same way on both paths.
 *
 * <p>Runs as a Quarkus filter at {@value #PRIORITY}: after every filter of the gateway (request ids, body limits,
 * malformed-URL checks, all at 840,000 and above) and after CORS (300), before authentication (200). HTTP permission
 * policies configured for tenant paths therefore do not apply to requests served here; tenant paths are API-key
 * authenticated by design (contract 1), and the endpoint handlers check the {@code tenant-api} role themselves.
 */
final class CachedKeyFastPath {

    /** Between Quarkus' CORS (300) and authentication (200) filter priorities. */
    static final int PRIORITY = 250;

    /** Micrometer and OpenTelemetry read a request's route template from this routing-context key. */
    private static final String URL_PATH_TEMPLATE = "UrlPathTemplate";

    private final ApiKeyAuthentication authentication;
    private final Map<String, Handler<RoutingContext>> postHandlers;

    /**
     * @param postHandlers the handler of each inference path ({@code POST}), by normalized path; each must itself
     *     refuse an unauthenticated request
     */
    CachedKeyFastPath(ApiKeyAuthentication authentication, Map<String, Handler<RoutingContext>> postHandlers) {
        this.authentication = authentication;
        this.postHandlers = Map.copyOf(postHandlers);
    }

    /** The filter: serves the request when its key is cached and valid, otherwise {@code rc.next()}. */
    void handle(RoutingContext rc) {
        if (rc.request().method() != HttpMethod.POST || rc.user() != null) {
            rc.next();
            return;
        }
        String path = rc.normalizedPath();
        Handler<RoutingContext> handler = postHandlers.get(path);
        if (handler == null) {
            rc.next();
            return;
        }
        ApiKeyAuthenticationMechanism.PresentedKey presented =
                ApiKeyAuthenticationMechanism.presentedKey(rc.request().headers());
        if (presented.key() == null) {
            rc.next();
            return;
        }
        Optional<ApiKeyAuthenticator.Result> cached =
                authentication.authenticator().tryCached(presented.key());
        if (cached.isEmpty() || !(cached.get() instanceof ApiKeyAuthenticator.Authenticated authenticated)) {
            rc.next();
            return;
        }
        rc.setUser(new QuarkusHttpUser(ApiKeyIdentityProvider.identityOf(authenticated.caller())));
        rc.put(URL_PATH_TEMPLATE, path);
        handler.handle(rc);
    }
}
