package io.ascendant.tenancy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Configuration of the tenancy module ({@code tenancy.*}). Invalid values stop start-up.
 *
 * <p>Development and test profiles get a pepper from the module's {@code META-INF/microprofile-config.properties};
 * production must set {@code tenancy.api-keys.pepper} (environment variable {@code TENANCY_API_KEYS_PEPPER}).
 */
@ConfigMapping(prefix = "tenancy")
public interface TenancyConfig {

    /** API keys. */
    ApiKeys apiKeys();

    /** Keycloak organizations. */
    Keycloak keycloak();

    /** API-key settings. */
    interface ApiKeys {
        /**
         * Server-side pepper, the HMAC-SHA-256 key of every stored key hash. Required, at least 32 characters (use 32+
         * random bytes, base64). Changing it invalidates every issued key. Never logged.
         */
        Optional<String> pepper();

        /** Request paths that authenticate with API keys (prefix match). Default {@code /v1/,/anthropic/v1/}. */
        @WithDefault("/v1/,/anthropic/v1/")
        List<String> tenantPaths();

        /** Maximum number of known keys kept in the per-replica authentication cache. Default 100000. */
        @WithDefault("100000")
        int cacheMaxEntries();

        /** Maximum number of unknown public ids remembered (negative cache). Default 20000. */
        @WithDefault("20000")
        int negativeCacheMaxEntries();

        /**
         * Safety net: a cache entry is reloaded after this age even without a notification (notifications are the
         * normal path and act within a second). Default 5 minutes.
         */
        @WithDefault("5m")
        Duration cacheMaxAge();

        /**
         * Longest a request waits for its key to be looked up in PostgreSQL when it is not in the cache (a new key, or
         * one dropped after a change); past it the request is answered 503 {@code authentication_unavailable} with
         * {@code Retry-After} (this time in whole seconds, at least 1) and is not authenticated. Also the network
         * timeout of the lookup's statements, so a stalled database holds a lookup no longer than this. Keys already
         * cached are answered from memory and never wait. Positive, at most 24 days. Default 2 s.
         */
        @WithDefault("2s")
        Duration lookupTimeout();

        /**
         * Lookups of uncached keys that may query PostgreSQL at once (each holds a pooled connection while it runs).
         * More wait for a turn within their {@code lookup-timeout}; so a stall, or a flood of made-up keys, never
         * takes more than this many of the connections that quotas and billing share. At least 1. Default 8.
         */
        @WithDefault("8")
        int maxConcurrentLookups();

        /** How long the notification listener blocks per poll; bounds invalidation latency. Default 200 ms. */
        @WithDefault("200ms")
        Duration notifyPollInterval();

        /** How often buffered last-used times are written to the database. Default 15 s. */
        @WithDefault("15s")
        Duration lastUsedFlushInterval();

        /** Longest overlap a rotation may grant the old key. Default 30 days. */
        @WithDefault("30d")
        Duration maxRotationOverlap();
    }

    /** Keycloak 26 Organizations: one organization per tenant, alias = tenant slug. */
    interface Keycloak {
        /** Create/maintain organizations and invite admins through the Keycloak admin API. Default true. */
        @WithDefault("true")
        boolean enabled();

        /**
         * Keycloak base URL (without {@code /realms/...}). Default: derived from {@code quarkus.oidc.auth-server-url}.
         */
        Optional<String> serverUrl();

        /** Realm holding the organizations. Default: derived from {@code quarkus.oidc.auth-server-url}. */
        Optional<String> realm();

        /**
         * Confidential client whose service account manages users and organizations (client-credentials grant).
         * Default: {@code quarkus.oidc.client-id}.
         */
        Optional<String> clientId();

        /** Its secret. Default: {@code quarkus.oidc.credentials.secret}. */
        Optional<String> clientSecret();

        /**
         * Longest wait for a TCP connection to Keycloak, per admin call (token, create, search, delete, invite steps).
         * Past it the command fails with 503 "Keycloak unavailable" and writes nothing. At least 1 ms, at most 24 days.
         * Default 3 s.
         */
        @WithDefault("3s")
        Duration connectTimeout();

        /**
         * Longest wait for Keycloak's answer once a call is sent (a paused or overloaded Keycloak accepts connections
         * but never answers). Past it the command fails with 503 "Keycloak unavailable" and writes nothing; a tenant
         * being created holds its database transaction at most a few of these. At least 1 ms, at most 24 days. Default
         * 5 s.
         */
        @WithDefault("5s")
        Duration readTimeout();
    }
}
