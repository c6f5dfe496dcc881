package io.ascendant.gateway.admission;

import io.quarkus.arc.DefaultBean;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Admits every request; active until a quota module provides its own {@link AdmissionControl}. */
@DefaultBean
@ApplicationScoped
public class AllowAll implements AdmissionControl {
    private static final Uni<AdmissionTicket> ADMITTED = Uni.createFrom().item(AdmissionTicket.NONE);

    @Override
    public Uni<AdmissionTicket> admit(AdmissionRequest request) {
        return ADMITTED;
    }
}
