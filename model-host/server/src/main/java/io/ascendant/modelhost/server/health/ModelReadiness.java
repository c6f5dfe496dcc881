package io.ascendant.modelhost.server.health;

import io.ascendant.modelhost.server.loading.ModelHost;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness ({@code /q/health/ready}): up only when the model is loaded and the pod is not draining. */
@Readiness
@ApplicationScoped
public class ModelReadiness implements HealthCheck {
    private final ModelHost host;

    public ModelReadiness(ModelHost host) {
        this.host = host;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("model")
                .status(host.ready())
                .withData("state", host.state().name())
                .build();
    }
}
