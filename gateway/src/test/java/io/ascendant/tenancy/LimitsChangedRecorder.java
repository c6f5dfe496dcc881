package io.ascendant.tenancy;

import io.ascendant.tenancy.limits.LimitsChanged;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test observer: records every {@link LimitsChanged} event, as the quota engine would receive them. */
@ApplicationScoped
public class LimitsChangedRecorder {

    private final List<LimitsChanged> events = new CopyOnWriteArrayList<>();

    void on(@ObservesAsync LimitsChanged e) {
        events.add(e);
    }

    /** Events seen so far. */
    public List<LimitsChanged> events() {
        return List.copyOf(events);
    }
}
