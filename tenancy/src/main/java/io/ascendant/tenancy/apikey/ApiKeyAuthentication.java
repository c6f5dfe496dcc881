package io.ascendant.tenancy.apikey;

import io.ascendant.tenancy.TenancyConfig;
import io.ascendant.tenancy.limits.EffectiveLimitsResolver;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Assembles the API-key authentication of this replica: hasher (fails start-up without a pepper), JDBC store, cache,
 * last-used buffer and the LISTEN/NOTIFY listener that keeps the cache exact. Started eagerly so a missing pepper stops
 * the application at start, not at the first request.
 */
@Startup
@ApplicationScoped
public class ApiKeyAuthentication {

    @Inject
    TenancyConfig config;

    @Inject
    DataSource dataSource;

    @Inject
    EffectiveLimitsResolver limits;

    private ApiKeyHasher hasher;
    private ApiKeyStore store;
    private LastUsedRecorder lastUsed;
    private ApiKeyAuthenticator authenticator;
    private TenancyChangeListener listener;

    @PostConstruct
    void init() {
        TenancyConfig.ApiKeys c = config.apiKeys();
        hasher = new ApiKeyHasher(c.pepper().orElse(null));
        store = new ApiKeyStore(dataSource, c.lookupTimeout());
        lastUsed = new LastUsedRecorder(store);
        authenticator = new ApiKeyAuthenticator(
                store,
                hasher,
                lastUsed,
                Clock.systemUTC(),
                c.cacheMaxEntries(),
                c.negativeCacheMaxEntries(),
                c.cacheMaxAge(),
                positive(c.maxConcurrentLookups()));
        var cfg = ConfigProvider.getConfig();
        String url = cfg.getOptionalValue("quarkus.datasource.jdbc.url", String.class)
                .orElseThrow(() -> new IllegalStateException(
                        "quarkus.datasource.jdbc.url is not set; the API-key cache needs it to LISTEN for changes"));
        String user = cfg.getOptionalValue("quarkus.datasource.username", String.class)
                .orElse(null);
        String password = cfg.getOptionalValue("quarkus.datasource.password", String.class)
                .orElse(null);
        listener = new TenancyChangeListener(
                        url, user, password, c.notifyPollInterval(), this::onNotification, this::onReconnect)
                .start();
        try {
            if (!listener.awaitListening(Duration.ofSeconds(10))) {
                Log.warn("tenancy change listener not yet listening after 10 s; keys are checked against the"
                        + " database until it is (cache entries expire after tenancy.api-keys.cache-max-age)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The authenticator of this replica. */
    public ApiKeyAuthenticator authenticator() {
        return authenticator;
    }

    /** The setting, refused at start-up when below 1. */
    private static int positive(int maxConcurrentLookups) {
        if (maxConcurrentLookups < 1) {
            throw new IllegalStateException(
                    "tenancy.api-keys.max-concurrent-lookups must be at least 1, was " + maxConcurrentLookups);
        }
        return maxConcurrentLookups;
    }

    /** How long a request waits for its key's lookup on a cache miss ({@code tenancy.api-keys.lookup-timeout}). */
    public Duration lookupTimeout() {
        return config.apiKeys().lookupTimeout();
    }

    /** The hasher (for key creation). */
    public ApiKeyHasher hasher() {
        return hasher;
    }

    /** Writes buffered last-used times (also runs on shutdown). */
    @Scheduled(
            every = "${tenancy.api-keys.last-used-flush-interval:15s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void flushLastUsed() {
        try {
            int n = lastUsed.flush();
            if (n > 0) {
                Log.debugf("wrote last-used time of %d API keys", n);
            }
        } catch (RuntimeException e) {
            Log.warnf("could not write last-used times (%s); will retry", e.getMessage());
        }
    }

    /**
     * Shutdown, once the requests in flight have ended and before any bean (the datasource among them) is destroyed:
     * writes the last-used times they recorded. Priority 300: after the gateway has ended its streams and flushed its
     * usage ledger, so the keys of those requests are included.
     */
    void flushAtShutdown(@Observes @Priority(300) ShutdownEvent ev) {
        flushLastUsed();
    }

    @PreDestroy
    void shutdown() {
        if (listener != null) {
            listener.close();
        }
        flushLastUsed();
    }

    private void onReconnect() {
        authenticator.invalidateAll();
        limits.invalidateAll();
    }

    private void onNotification(String channel, String payload) {
        int colon = payload.indexOf(':');
        if (colon < 0) {
            return;
        }
        String kind = payload.substring(0, colon);
        String id = payload.substring(colon + 1);
        if (TenancyChangeListener.AUTH_CHANNEL.equals(channel)) {
            switch (kind) {
                case "key" -> authenticator.invalidateKey(id);
                case "tenant" -> {
                    authenticator.invalidateTenant(UUID.fromString(id));
                    limits.evictTenant(UUID.fromString(id));
                }
                case "project" -> authenticator.invalidateProject(UUID.fromString(id));
                default -> authenticator.invalidateAll();
            }
        } else if (TenancyChangeListener.LIMITS_CHANNEL.equals(channel)) {
            limits.onLimitsChanged(kind, UUID.fromString(id));
        }
    }
}
