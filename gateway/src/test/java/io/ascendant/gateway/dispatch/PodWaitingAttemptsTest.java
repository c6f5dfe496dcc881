package io.ascendant.gateway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.catalogue.Accelerator;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pod's set of attempts waiting for their first byte, and what gives them up. */
class PodWaitingAttemptsTest {

    private final Pod pod = new Pod("pool", "http://127.0.0.1:1", Accelerator.CPU, 16);
    private final List<String> abandoned = new ArrayList<>();

    private Pod.WaitingAttempt attempt(String name) {
        return reason -> abandoned.add(name + ": " + reason);
    }

    @Test
    void abandonsEachWaitingAttemptExactlyOnce() {
        Pod.WaitingAttempt a = attempt("a");
        Pod.WaitingAttempt b = attempt("b");
        Pod.WaitingAttempt c = attempt("c");
        pod.waiting(a);
        pod.waiting(b);
        pod.waiting(c);
        pod.answered(b); // b got its first byte: no longer the pod's to give up

        assertThat(pod.abandonWaiting("test")).isEqualTo(2);
        assertThat(abandoned).containsExactlyInAnyOrder("a: test", "c: test");
        assertThat(pod.waitingAttempts()).isZero();

        assertThat(pod.abandonWaiting("again")).isZero();
        assertThat(abandoned).hasSize(2);
    }

    @Test
    void anOpeningCircuitAbandonsTheWaitingAttempts() {
        pod.waiting(attempt("a"));
        pod.circuit(CircuitBreakerState.HALF_OPEN);
        pod.circuit(CircuitBreakerState.CLOSED);
        assertThat(abandoned).isEmpty();

        pod.circuit(CircuitBreakerState.OPEN);

        assertThat(abandoned).containsExactly("a: its circuit breaker opened");
        assertThat(pod.waitingAttempts()).isZero();
    }

    @Test
    void isInRotationOnlyWhenReadyAndNeitherDrainingNorRemoved() {
        assertThat(pod.inRotation(2)).as("never healthy yet").isFalse();
        pod.healthOk();
        assertThat(pod.inRotation(2)).isTrue();
        pod.healthFailed();
        assertThat(pod.inRotation(2)).as("one failed check of two").isTrue();
        pod.healthFailed();
        assertThat(pod.inRotation(2)).isFalse();
        pod.healthOk();
        pod.draining(true);
        assertThat(pod.inRotation(2)).isFalse();
        pod.draining(false);
        pod.markRemoved();
        assertThat(pod.inRotation(2)).isFalse();
    }
}
