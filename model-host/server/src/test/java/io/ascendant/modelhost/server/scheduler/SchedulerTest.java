package io.ascendant.modelhost.server.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ascendant.engine.checkpoint.Checkpoint;
import io.ascendant.engine.config.ModelConfig;
import io.ascendant.engine.kernels.EngineThreads;
import io.ascendant.engine.model.OracleWeights;
import io.ascendant.engine.model.V4Model;
import io.ascendant.engine.sampling.Sampler;
import io.ascendant.engine.sampling.SamplingParams;
import io.ascendant.modelhost.server.metrics.HostMetrics;
import io.ascendant.modelhost.server.prefixcache.PrefixCache;
import io.ascendant.modelhost.server.testsupport.DemoCheckpoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scheduler on the generated DEMO checkpoint (scalar oracle kernels) (window 128, compression ratios 0/4/128/4): prefix-cache hits give
 * the same greedy tokens as misses across compression boundaries, batched decode gives each sequence what it gets
 * alone, and the bounds hold.
 */
class SchedulerTest {
    private static V4Model model;
    private static EngineThreads threads;

    @BeforeAll
    static void load() {
        threads = EngineThreads.create(2);
        // scalar oracle kernels: bit-exact whatever the JIT tier (Vector API reductions are not, across tiers)
        model = new V4Model(
                ModelConfig.load(DemoCheckpoint.dir()),
                new OracleWeights(Checkpoint.open(DemoCheckpoint.dir(), threads)),
                threads);
    }

    @AfterAll
    static void close() {
        threads.close();
    }

    /** Collects tokens; completes with them when the sequence ends. */
    static final class Collector implements SequenceListener {
        final List<Integer> tokens = new ArrayList<>();
        final CompletableFuture<FinishReason> done = new CompletableFuture<>();
        volatile Sequence sequence;

        @Override
        public boolean onToken(Sampler.Step step, boolean last) {
            tokens.add(step.token());
            return true;
        }

        @Override
        public void onFinish(FinishReason reason, Sequence s) {
            sequence = s;
            done.complete(reason);
        }

        List<Integer> await() throws Exception {
            done.get(300, TimeUnit.SECONDS);
            return tokens;
        }
    }

    private static int[] randomPrompt(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = 1000 + r.nextInt(100_000);
        }
        return ids;
    }

    private static Scheduler scheduler(PrefixCache cache, int maxRunning, int maxWaiting) {
        return new Scheduler(model, cache, new HostMetrics("t"), maxRunning, maxWaiting, 1L << 30, 64, 16);
    }

    private static Collector run(Scheduler s, int[] prompt, int maxTokens) {
        Collector c = new Collector();
        s.submit(new Sequence(
                "r", prompt, new Sampler(SamplingParams.greedy(maxTokens), model.vocabSize(), prompt), c, 1));
        return c;
    }

    @Test
    void prefixCacheHitGivesTheSameGreedyTokensAsAMissAcrossCompressionBoundaries() throws Exception {
        int[] base = randomPrompt(7, 300); // crosses the ratio-4 and ratio-128 boundaries (128, 256)
        int[] sibling = Arrays.copyOf(base, 292);
        int[] tail = randomPrompt(8, 20);
        System.arraycopy(tail, 0, sibling, 272, 20); // shares the first 272 tokens

        List<Integer> expected;
        try (Scheduler plain = scheduler(null, 4, 4)) {
            expected = run(plain, base, 12).await();
        }
        PrefixCache cache = new PrefixCache(16, 64L << 20);
        try (Scheduler cached = scheduler(cache, 4, 4)) {
            Collector first = run(cached, sibling, 4);
            first.await();
            assertThat(first.sequence.cachedTokens()).isZero();

            Collector hit = run(cached, base, 12);
            assertThat(hit.await()).isEqualTo(expected);
            // every block boundary has a snapshot: all 17 shared blocks come from the cache
            assertThat(hit.sequence.cachedTokens()).isEqualTo(272);

            Collector again = run(cached, base, 12);
            assertThat(again.await()).isEqualTo(expected);
            assertThat(again.sequence.cachedTokens()).isEqualTo(288); // the last block boundary before the end
        }
        assertThat(cache.hitTokens()).isEqualTo(272 + 288);
    }

    @Test
    void batchedSequencesGetWhatEachGetsAlone() throws Exception {
        int[][] prompts = {randomPrompt(1, 40), randomPrompt(2, 150), randomPrompt(3, 7)};
        List<List<Integer>> alone = new ArrayList<>();
        try (Scheduler s = scheduler(null, 4, 4)) {
            for (int[] p : prompts) {
                alone.add(run(s, p, 10).await());
            }
        }
        try (Scheduler s = scheduler(null, 4, 4)) {
            List<Collector> together = new ArrayList<>();
            for (int[] p : prompts) {
                together.add(run(s, p, 10));
            }
            for (int i = 0; i < prompts.length; i++) {
                assertThat(together.get(i).await()).as("sequence " + i).isEqualTo(alone.get(i));
            }
        }
    }

    @Test
    void fullWaitingQueueRefusesWith429AndDrainRefusesWith503() throws Exception {
        try (Scheduler s = scheduler(null, 1, 1)) {
            Collector running = run(s, randomPrompt(4, 8), 400);
            while (s.running() == 0) {
                Thread.sleep(10);
            }
            Collector queued = run(s, randomPrompt(5, 8), 2);
            AdmissionException full = assertThrows(AdmissionException.class, () -> run(s, randomPrompt(6, 8), 2));
            assertThat(full.status()).isEqualTo(429);
            s.beginDrain();
            AdmissionException draining = assertThrows(AdmissionException.class, () -> run(s, randomPrompt(6, 8), 2));
            assertThat(draining.status()).isEqualTo(503);
            // cancelling the long one (a client disconnect) frees its slot; the queued one then runs to its end
            s.cancelRunning();
            assertThat(running.done.get(60, TimeUnit.SECONDS)).isEqualTo(FinishReason.ABORT);
            assertThat(running.tokens.size()).isLessThan(400);
        }
    }

    @Test
    void cancelledSequenceIsDroppedAtTheNextStep() throws Exception {
        try (Scheduler s = scheduler(null, 2, 2)) {
            Collector c = new Collector();
            int[] prompt = randomPrompt(9, 8);
            Sequence seq = new Sequence(
                    "gone", prompt, new Sampler(SamplingParams.greedy(500), model.vocabSize(), prompt), c, 1);
            s.submit(seq);
            while (seq.generatedTokens() < 2) {
                Thread.sleep(5);
            }
            seq.cancel();
            assertThat(c.done.get(60, TimeUnit.SECONDS)).isEqualTo(FinishReason.ABORT);
            assertThat(c.tokens.size()).isLessThan(500);
            assertThat(s.running()).isZero();
            assertThat(s.awaitIdle(10_000_000_000L)).isTrue();
        }
    }
}
