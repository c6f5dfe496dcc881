package io.ascendant.gateway.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The admission deadline: a worker stuck on a store that does not answer (stalled like {@code
 * NonBlockingAdmissionTest}'s data source: the call blocks until the test lets it go) gives the caller a timeout at
 * the deadline, and what it admits afterwards is released, never used; in time, the result is the caller's and
 * nothing is released.
 */
class AdmissionDeadlineTest {

    private final ExecutorService workers = Executors.newFixedThreadPool(1);

    @AfterEach
    void stop() {
        workers.shutdownNow();
    }

    @Test
    void aWorkerStuckOnTheStoreGetsItsCallerATimeoutAndItsLateTicketReleased() throws Exception {
        CountDownLatch storeAnswers = new CountDownLatch(1);
        List<String> released = new CopyOnWriteArrayList<>();
        CompletableFuture<String> answer = AdmissionDeadline.run(
                workers,
                Duration.ofMillis(200),
                () -> {
                    await(storeAnswers); // the stalled store
                    return "ticket-1";
                },
                released::add);

        // Generous bound: the deadline is 200 ms; without it, this would wait until the assertion gives up.
        assertThatThrownBy(() -> answer.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(TimeoutException.class);
        assertThat(released).isEmpty();

        storeAnswers.countDown();
        awaitReleased(released);
        assertThat(released).containsExactly("ticket-1");
    }

    @Test
    void anAdmissionThatHadNotStartedByTheDeadlineNeverRuns() throws Exception {
        CountDownLatch busy = new CountDownLatch(1);
        workers.execute(() -> await(busy)); // the only worker is taken
        AtomicInteger ran = new AtomicInteger();
        CompletableFuture<String> answer = AdmissionDeadline.run(
                workers,
                Duration.ofMillis(100),
                () -> {
                    ran.incrementAndGet();
                    return "ticket-2";
                },
                t -> ran.incrementAndGet());

        assertThatThrownBy(() -> answer.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
        busy.countDown();
        workers.shutdown();
        assertThat(workers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).as("neither admitted nor released").hasValue(0);
    }

    @Test
    void anAdmissionInTimeIsTheCallersAndNothingIsReleased() throws Exception {
        List<String> released = new CopyOnWriteArrayList<>();
        CompletableFuture<String> answer =
                AdmissionDeadline.run(workers, Duration.ofSeconds(30), () -> "ticket-3", released::add);

        assertThat(answer.get(30, TimeUnit.SECONDS)).isEqualTo("ticket-3");
        assertThat(released).isEmpty();
    }

    @Test
    void aRefusalReachesTheCallerAsItIs() {
        QuotaStoreException down = new QuotaStoreException("replica registration failed");
        CompletableFuture<String> answer = AdmissionDeadline.run(
                workers,
                Duration.ofSeconds(30),
                () -> {
                    throw down;
                },
                t -> {});

        assertThatThrownBy(() -> answer.get(30, TimeUnit.SECONDS)).hasCause(down);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitReleased(List<String> released) throws InterruptedException {
        for (int i = 0; i < 300 && released.isEmpty(); i++) {
            Thread.sleep(100);
        }
    }
}
