package io.ascendant.gateway.platform;

import io.quarkus.flyway.FlywayConfigurationCustomizer;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * Counts the migrations this process applied (Flyway runs them at start-up, before any command), so {@code migrate}
 * can tell "applied now" from "applied in total": {@code flyway.info()} only knows the latter.
 */
@Singleton
public class MigrationCounter implements FlywayConfigurationCustomizer {

    private final AtomicInteger appliedNow = new AtomicInteger();

    @Override
    public void customize(FluentConfiguration configuration) {
        Callback[] existing = configuration.getCallbacks();
        Callback[] callbacks = java.util.Arrays.copyOf(existing, existing.length + 1);
        callbacks[existing.length] = new Counting();
        configuration.callbacks(callbacks);
    }

    /** How many migrations this process applied (0 when the schema was already current). */
    public int appliedNow() {
        return appliedNow.get();
    }

    private final class Counting implements Callback {
        @Override
        public boolean supports(Event event, Context context) {
            return event == Event.AFTER_EACH_MIGRATE;
        }

        @Override
        public boolean canHandleInTransaction(Event event, Context context) {
            return true;
        }

        @Override
        public void handle(Event event, Context context) {
            appliedNow.incrementAndGet();
        }

        @Override
        public String getCallbackName() {
            return "ascendant-migration-counter";
        }
    }
}
