package io.ascendant.gateway.quota;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import javax.sql.DataSource;

/**
 * The replica's one {@link QuotaEngine}, on the application's datasource, with its background duties scheduled
 * every {@code gateway.quota.maintenance-interval}. The replica registers on its first admission or maintenance
 * round (after Flyway has migrated) and gives its leases back at shutdown. The engine's connections wait at most
 * {@code gateway.quota.database-timeout} for PostgreSQL ({@link BoundedDataSource}).
 */
@ApplicationScoped
public class QuotaService {

    @Inject
    DataSource dataSource;

    @Inject
    QuotaConfig config;

    private QuotaEngine engine;

    @PostConstruct
    void init() {
        // Every statement the engine sends answers within the database timeout or fails (fail closed).
        engine = new QuotaEngine(
                new BoundedDataSource(dataSource, config.databaseTimeout()),
                Clock.systemUTC(),
                config.settings(),
                hostName());
    }

    /** The engine. */
    public QuotaEngine engine() {
        return engine;
    }

    @Scheduled(
            every = "${gateway.quota.maintenance-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void maintain() {
        if (config.enabled()) {
            engine.maintain();
        }
    }

    void onStop(@Observes ShutdownEvent ev) {
        try {
            engine.shutdown();
        } catch (QuotaStoreException e) {
            org.jboss.logging.Logger.getLogger(QuotaService.class)
                    .warnf("leases not given back at shutdown (the sweeper will release them): %s", e.getMessage());
        }
    }

    private static String hostName() {
        String pod = System.getenv("HOSTNAME");
        if (pod != null && !pod.isBlank()) {
            return pod;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
