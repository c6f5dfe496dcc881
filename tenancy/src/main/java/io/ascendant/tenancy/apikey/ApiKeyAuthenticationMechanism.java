package io.ascendant.tenancy.apikey;

import io.ascendant.tenancy.TenancyConfig;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one authentication mechanism of tenant paths ({@code tenancy.api-keys.tenant-paths}, default {@code /v1/} and
 * {@code /anthropic/v1/}). Accepts {@code Authorization: Bearer <key>} (OpenAI style) and {@code x-api-key: <key>}
 * (Anthropic style). Two different credentials in one request (both headers, or either one repeated, with different
 * values) are refused with {@link TenantApiError#AMBIGUOUS_API_KEY} whichever of them is valid; the same key sent
 * twice is one credential.
 *
 * <p>Coexistence with quarkus-oidc: this mechanism has a higher priority and, on tenant paths, always either yields
 * an identity or fails, so OIDC never sees an API key; on every other path it yields nothing without reading any
 * header, so an admin JWT never reaches it. Its credential transport scheme is {@value #SCHEME}, selectable per path
 * with {@code quarkus.http.auth.permission.<name>.auth-mechanism=apikey}.
 *
 * <p>Failures are answered here with a stable code ({@link TenantApiError}) in the shape of the API addressed:
 * Anthropic's {@code {"type":"error","error":{"type","message"}}} under {@code /v1/messages} and {@code /anthropic/}
 * (the path rule of the gateway's other Anthropic errors), OpenAI's error body everywhere else. A key that could not be
 * checked (its lookup failed or outlived {@code tenancy.api-keys.lookup-timeout}) is a 503 with {@code Retry-After};
 * any failure of the identity providers other than a refusal is answered that way too, never with a 500.
 */
@ApplicationScoped
public class ApiKeyAuthenticationMechanism implements HttpAuthenticationMechanism {

    /** Authentication scheme name for path-based mechanism selection. */
    public static final String SCHEME = "apikey";

    /** Header of Anthropic-style clients. */
    public static final String X_API_KEY = "x-api-key";

    private static final int PRIORITY = DEFAULT_PRIORITY + 1000;

    @Inject
    TenancyConfig config;

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext ctx, IdentityProviderManager ipm) {
        if (!isTenantPath(ctx.normalizedPath())) {
            return Uni.createFrom().nullItem();
        }
        PresentedKey presented = presentedKey(ctx.request().headers());
        if (presented.error() != null) {
            return fail(ctx, presented.error());
        }
        ApiKeyAuthenticationRequest request =
                new ApiKeyAuthenticationRequest(presented.key(), isBillingReadPath(ctx.normalizedPath()));
        return ipm.authenticate(HttpSecurityUtils.setRoutingContextAttribute(request, ctx))
                .onFailure(e -> !(e instanceof AuthenticationFailedException))
                .transform(ApiKeyAuthenticationMechanism::unavailable)
                .onFailure()
                .invoke(e -> ctx.put(TenantApiError.ATTRIBUTE, errorOf(e)));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext ctx) {
        if (!isTenantPath(ctx.normalizedPath())) {
            return Uni.createFrom().nullItem();
        }
        TenantApiError error = errorIn(ctx);
        if (error.status() == 503) {
            return Uni.createFrom().item(new ChallengeData(503, "Retry-After", Integer.toString(retryAfterSeconds())));
        }
        return Uni.createFrom()
                .item(new ChallengeData(error.status(), "WWW-Authenticate", "Bearer realm=\"ascendant\""));
    }

    /** Writes the error for tenant paths in the addressed API's shape; leaves other paths to the next mechanism. */
    @Override
    public Uni<Boolean> sendChallenge(RoutingContext ctx) {
        if (!isTenantPath(ctx.normalizedPath())) {
            return Uni.createFrom().item(false);
        }
        writeError(ctx, errorIn(ctx), retryAfterSeconds());
        return Uni.createFrom().item(true);
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(ApiKeyAuthenticationRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext ctx) {
        return Uni.createFrom()
                .item(new HttpCredentialTransport(HttpCredentialTransport.Type.OTHER_HEADER, X_API_KEY, SCHEME));
    }

    @Override
    public int getPriority() {
        return PRIORITY;
    }

    /**
     * The one credential a request presents, or why it presents none usable: {@code key} is set when exactly one
     * distinct key was sent (in {@code x-api-key} and/or {@code Authorization: Bearer}), {@code error} otherwise
     * ({@link TenantApiError#AMBIGUOUS_API_KEY}, {@link TenantApiError#UNSUPPORTED_AUTH_SCHEME} for an {@code
     * Authorization} header of another scheme, {@link TenantApiError#ADMIN_TOKEN_NOT_API_KEY} for a JSON Web Token,
     * {@link TenantApiError#EMPTY_BEARER_TOKEN} for only an empty {@code Authorization: Bearer}, {@link
     * TenantApiError#MISSING_API_KEY}).
     */
    public record PresentedKey(String key, TenantApiError error) {}

    /**
     * Reads the credential of a request's headers by the rules of this mechanism (see the class comment). Pure: the
     * gateway's cached-key fast path uses it too, so both read a request the same way.
     */
    public static PresentedKey presentedKey(MultiMap headers) {
        // getAll, not getHeader: a second value of either header is a second credential, never ignored.
        List<String> apiKeys = headers.getAll(X_API_KEY);
        List<String> authorizations = headers.getAll(HttpHeaders.AUTHORIZATION);
        String key = null;
        boolean malformed = false; // an Authorization header that is not "Bearer <key>"
        boolean emptyBearer = false; // "Authorization: Bearer " with nothing after it
        for (int i = 0; i < apiKeys.size(); i++) {
            String k = apiKeys.get(i).strip();
            if (k.isEmpty()) {
                continue;
            }
            if (key != null && !key.equals(k)) {
                return new PresentedKey(null, TenantApiError.AMBIGUOUS_API_KEY);
            }
            key = k;
        }
        for (int i = 0; i < authorizations.size(); i++) {
            String auth = authorizations.get(i);
            String k;
            if (auth.regionMatches(true, 0, "Bearer ", 0, 7) || auth.strip().equalsIgnoreCase("Bearer")) {
                // "Bearer" alone too: HTTP parsers drop the trailing space of "Bearer " (an unset variable)
                k = auth.strip().substring(6).strip();
                if (k.isEmpty()) {
                    emptyBearer = true;
                    continue;
                }
            } else {
                k = auth.strip();
                malformed = true;
            }
            if (key != null && !key.equals(k)) {
                return new PresentedKey(null, TenantApiError.AMBIGUOUS_API_KEY);
            }
            key = k;
        }
        if (malformed && key != null) {
            // the only credential is an Authorization header of another scheme
            return new PresentedKey(null, TenantApiError.UNSUPPORTED_AUTH_SCHEME);
        }
        if (key == null) {
            return new PresentedKey(
                    null, emptyBearer ? TenantApiError.EMPTY_BEARER_TOKEN : TenantApiError.MISSING_API_KEY);
        }
        if (isJwt(key)) {
            return new PresentedKey(null, TenantApiError.ADMIN_TOKEN_NOT_API_KEY);
        }
        return new PresentedKey(key, null);
    }

    /**
     * Whether a credential has the shape of a JSON Web Token: {@code eyJ} (base64url of <code>{"</code>, how every
     * JWT header starts) and three dot-separated parts. An API key is never one: it is only {@code [A-Za-z0-9_]}.
     */
    static boolean isJwt(String credential) {
        if (!credential.startsWith("eyJ")) {
            return false;
        }
        int first = credential.indexOf('.');
        int second = first < 0 ? -1 : credential.indexOf('.', first + 1);
        return second > first + 1 && credential.indexOf('.', second + 1) < 0;
    }

    /** Whether the path is a tenant path (authenticated with API keys). */
    public boolean isTenantPath(String path) {
        if (path == null) {
            return false;
        }
        List<String> prefixes = config.apiKeys().tenantPaths();
        for (String p : prefixes) {
            if (path.startsWith(p) || (p.endsWith("/") && path.equals(p.substring(0, p.length() - 1)))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code path} is the tenant billing read API ({@code /v1/usage}, {@code /v1/invoices} and below): the only
     * endpoints a closed tenant's keys still reach (with the scope {@code billing:read}), so that a customer who
     * closed their account can read and download its final invoices. Any other path refuses them with
     * {@link TenantApiError#TENANT_CLOSED}.
     */
    public static boolean isBillingReadPath(String path) {
        return path != null
                && (path.equals("/v1/usage") || path.equals("/v1/invoices") || path.startsWith("/v1/invoices/"));
    }

    /**
     * Whether errors on {@code path} take Anthropic's shape: {@code /v1/messages} (and below) and everything under
     * {@code /anthropic/}; every other path takes OpenAI's.
     */
    public static boolean isAnthropicPath(String path) {
        return path != null
                && (path.equals("/v1/messages") || path.startsWith("/v1/messages/") || path.startsWith("/anthropic/"));
    }

    /**
     * {@code Retry-After} of a request whose key could not be checked: the lookup timeout in whole seconds, rounded up,
     * at least 1.
     */
    int retryAfterSeconds() {
        long seconds = (config.apiKeys().lookupTimeout().toMillis() + 999) / 1000;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, seconds));
    }

    /**
     * Writes the error response (status, WWW-Authenticate for 401, Retry-After for 503, JSON body in the shape of the
     * API addressed by the request path) unless a response was already sent.
     */
    static void writeError(RoutingContext ctx, TenantApiError error, int retryAfterSeconds) {
        HttpServerResponse r = ctx.response();
        if (r.ended() || r.headWritten()) {
            return;
        }
        r.setStatusCode(error.status());
        r.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        if (error.status() == 401) {
            r.putHeader("WWW-Authenticate", "Bearer realm=\"ascendant\"");
        } else if (error.status() == 503) {
            r.putHeader("Retry-After", Integer.toString(retryAfterSeconds));
        }
        r.end(
                isAnthropicPath(ctx.normalizedPath())
                        ? error.anthropicJson()
                        : error.body(null).toJson());
    }

    private static Uni<SecurityIdentity> fail(RoutingContext ctx, TenantApiError error) {
        ctx.put(TenantApiError.ATTRIBUTE, error);
        return Uni.createFrom()
                .failure(new AuthenticationFailedException(error.code(), Map.of(TenantApiError.ATTRIBUTE, error)));
    }

    private static AuthenticationFailedException unavailable(Throwable cause) {
        return new AuthenticationFailedException(
                TenantApiError.AUTH_UNAVAILABLE.code(),
                cause,
                Map.of(TenantApiError.ATTRIBUTE, TenantApiError.AUTH_UNAVAILABLE));
    }

    private static TenantApiError errorIn(RoutingContext ctx) {
        TenantApiError e = ctx.get(TenantApiError.ATTRIBUTE);
        return e == null ? TenantApiError.MISSING_API_KEY : e;
    }

    private static TenantApiError errorOf(Throwable t) {
        if (t instanceof AuthenticationFailedException afe
                && afe.getAttribute(TenantApiError.ATTRIBUTE) instanceof TenantApiError e) {
            return e;
        }
        return TenantApiError.INVALID_API_KEY;
    }
}
