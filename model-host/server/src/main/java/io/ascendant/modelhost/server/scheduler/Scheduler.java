package io.ascendant.modelhost.server.scheduler;

import io.ascendant.engine.model.SequenceState;
import io.ascendant.engine.model.V4Model;
import io.ascendant.engine.sampling.Sampler;
import io.ascendant.modelhost.server.metrics.HostMetrics;
import io.ascendant.modelhost.server.prefixcache.PrefixCache;
import io.quarkus.logging.Log;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Iteration-level continuous batching on one platform thread. Each iteration:
 *
 * <ol>
 *   <li>drops cancelled sequences (client gone) and admits waiting ones while the running set has a slot and the KV
 *       budget covers their worst case (prompt + max tokens); an admitted prompt first restores the longest cached
 *       prefix;
 *   <li>prefills at most {@code prefillTokensPerStep} prompt tokens (chunked prefill, oldest first) with the engine's
 *       incremental path ({@link V4Model#extend}), in pieces that end at block boundaries so snapshots can be offered
 *       to the prefix cache; a sequence whose prompt is complete samples its first token;
 *   <li>runs one {@link V4Model#decodeBatch} for every sequence past its prompt (weights read once per step) and
 *       samples each.
 * </ol>
 *
 * <p>Misses and hits use the same incremental path from an empty state, so a prefix-cache hit gives the same tokens
 * as a miss (the reference prefill's index layout for short prompts is deliberately not used). The prompt side (cache
 * lookup, chunking, snapshots) is {@link PromptPrefill}; this class owns the queue, the running set and sampling.
 *
 * <p>Bounds: {@code maxRunning} sequences, {@code kvBudgetBytes} reserved bytes, {@code maxWaiting} queued requests
 * (a full queue is an {@link AdmissionException} with 429; draining gives 503).
 */
public final class Scheduler implements AutoCloseable {
    private final V4Model model;
    private final PromptPrefill prefill;
    private final HostMetrics metrics;
    private final int maxRunning;
    private final int maxWaiting;
    private final long kvBudgetBytes;
    private final int prefillTokensPerStep;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition idle = lock.newCondition();
    private final ArrayDeque<Sequence> waiting = new ArrayDeque<>();
    private final List<Sequence> running = new ArrayList<>(); // scheduler thread only; size mirrored in runningCount
    private volatile int runningCount;
    private volatile long reservedBytes;
    private volatile boolean draining;
    private volatile boolean closed;
    private volatile boolean cancelAll; // set by other threads, acted on by the scheduler thread
    private final Thread thread;
    private volatile long steps;
    private long engineNanos; // scheduler thread only: engine time of the current step

    /** A scheduler that offers the prefix cache a snapshot at every block boundary. */
    public Scheduler(
            V4Model model,
            PrefixCache cache,
            HostMetrics metrics,
            int maxRunning,
            int maxWaiting,
            long kvBudgetBytes,
            int prefillTokensPerStep,
            int blockSize) {
        this(model, cache, metrics, maxRunning, maxWaiting, kvBudgetBytes, prefillTokensPerStep, blockSize, 1);
    }

    /**
     * @param cache the prefix cache, or null when disabled
     * @param blockSize prefill pieces end at multiples of it (the cache's block size)
     * @param snapshotIntervalBlocks with the cache on, a snapshot is offered at every this many block boundaries and
     *     at the last boundary before a prompt's end
     */
    public Scheduler(
            V4Model model,
            PrefixCache cache,
            HostMetrics metrics,
            int maxRunning,
            int maxWaiting,
            long kvBudgetBytes,
            int prefillTokensPerStep,
            int blockSize,
            int snapshotIntervalBlocks) {
        this.model = model;
        this.prefill = new PromptPrefill(model, cache, blockSize, snapshotIntervalBlocks);
        this.metrics = metrics;
        this.maxRunning = maxRunning;
        this.maxWaiting = maxWaiting;
        this.kvBudgetBytes = kvBudgetBytes;
        this.prefillTokensPerStep = prefillTokensPerStep;
        this.thread =
                Thread.ofPlatform().name("modelhost-scheduler").daemon(true).unstarted(this::loop);
        this.thread.start();
    }

    /**
     * Queues a sequence.
     *
     * @throws AdmissionException 503 while draining, 429 when the waiting queue is full
     */
    public void submit(Sequence s) {
        lock.lock();
        try {
            if (draining || closed) {
                throw new AdmissionException(503, "The model host is draining and takes no new requests.");
            }
            // free running slots absorb a burst before the scheduler thread gets to admit it
            if (waiting.size() >= maxWaiting + Math.max(0, maxRunning - runningCount)) {
                throw new AdmissionException(
                        429,
                        "The model host is at capacity (running=" + runningCount + ", waiting=" + waiting.size()
                                + ", max waiting=" + maxWaiting + "); retry later.");
            }
            waiting.addLast(s);
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    public int running() {
        return runningCount;
    }

    public int waiting() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** Fraction 0..1 of the KV byte budget reserved by running sequences. */
    public double kvUsage() {
        return Math.min(1.0, (double) reservedBytes / kvBudgetBytes);
    }

    /** Engine steps taken so far (for tests and benchmarks). */
    public long steps() {
        return steps;
    }

    public boolean draining() {
        return draining;
    }

    /** Stops taking requests (503) and lets the running and waiting ones finish. */
    public void beginDrain() {
        draining = true;
    }

    /** Takes requests again (tests: after a drain that did not end the process). */
    public void endDrain() {
        draining = false;
    }

    /**
     * Waits until no sequence runs or waits, at most {@code timeoutNanos}; then cancels whatever is left, which
     * finishes with {@link FinishReason#ABORT} at the next step.
     *
     * @return true if everything finished in time
     */
    public boolean awaitIdle(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        lock.lock();
        try {
            while (runningCount > 0 || !waiting.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    waiting.forEach(Sequence::cancel);
                    work.signal();
                    break;
                }
                idle.awaitNanos(left);
            }
            return runningCount == 0 && waiting.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Cancels every running and waiting sequence (end of the drain grace); the scheduler thread drops them. */
    public void cancelRunning() {
        cancelAll = true;
        lock.lock();
        try {
            waiting.forEach(Sequence::cancel);
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        cancelRunning();
        thread.interrupt();
    }

    private void loop() {
        while (!closed) {
            try {
                if (!admit()) {
                    continue;
                }
                long t0 = System.nanoTime();
                engineNanos = 0;
                step();
                steps++;
                metrics.schedulerStep(System.nanoTime() - t0, engineNanos);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | Error e) {
                Log.errorf(e, "Engine step failed; failing %d running sequences", running.size());
                for (Sequence s : List.copyOf(running)) {
                    finish(s, FinishReason.ERROR);
                }
            }
        }
    }

    /** Drops cancelled sequences, admits waiting ones; blocks while nothing runs. Returns whether to step. */
    private boolean admit() throws InterruptedException {
        if (cancelAll) {
            cancelAll = false;
            running.forEach(Sequence::cancel);
        }
        for (Sequence s : List.copyOf(running)) {
            if (s.cancelled()) {
                finish(s, FinishReason.ABORT);
            }
        }
        List<Sequence> admitted = new ArrayList<>();
        List<Sequence> dropped = new ArrayList<>();
        lock.lock();
        try {
            while (running.isEmpty() && waiting.isEmpty() && !closed) {
                idle.signalAll();
                work.await(1, TimeUnit.SECONDS);
            }
            while (!waiting.isEmpty() && running.size() + admitted.size() < maxRunning) {
                Sequence next = waiting.peekFirst();
                if (next.cancelled()) {
                    dropped.add(waiting.pollFirst());
                    continue;
                }
                long reserved = reservedBytes;
                for (Sequence a : admitted) {
                    reserved += a.reservedBytes;
                }
                if (reserved + next.reservedBytes > kvBudgetBytes && !(running.isEmpty() && admitted.isEmpty())) {
                    break; // waits for running sequences to free their bytes
                }
                admitted.add(waiting.pollFirst());
            }
        } finally {
            lock.unlock();
        }
        for (Sequence s : dropped) {
            s.listener.onFinish(FinishReason.ABORT, s);
        }
        for (Sequence s : admitted) {
            start(s);
        }
        signalIfIdle();
        return !running.isEmpty();
    }

    private void start(Sequence s) {
        prefill.begin(s);
        metrics.promptTokens(s.prompt.length);
        running.add(s);
        reservedBytes += s.reservedBytes;
        runningCount = running.size();
    }

    private void step() {
        int budget = prefillTokensPerStep;
        List<Sequence> decoding = new ArrayList<>(running.size());
        List<Sequence> sampleNow = new ArrayList<>();
        for (Sequence s : running) {
            if (s.prefilled < s.prompt.length) {
                if (budget > 0) {
                    budget -= prefill.feed(s, budget);
                    if (s.prefilled == s.prompt.length) {
                        sampleNow.add(s);
                    }
                }
            } else if (s.lastToken >= 0) {
                decoding.add(s);
            }
        }
        engineNanos += prefill.takeEngineNanos();
        for (Sequence s : sampleNow) {
            float[] logits = s.logits;
            s.logits = null;
            sample(s, logits);
        }
        if (decoding.isEmpty()) {
            return;
        }
        int[] tokens = new int[decoding.size()];
        List<SequenceState> states = new ArrayList<>(decoding.size());
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = decoding.get(i).lastToken;
            states.add(decoding.get(i).state);
        }
        long t0 = System.nanoTime();
        float[][] logits = model.decodeBatch(states, tokens);
        engineNanos += System.nanoTime() - t0;
        for (int i = 0; i < tokens.length; i++) {
            sample(decoding.get(i), logits[i]);
        }
    }

    private void sample(Sequence s, float[] logits) {
        if (s.cancelled()) {
            finish(s, FinishReason.ABORT);
            return;
        }
        Sampler.Step step = s.sampler.params().topLogprobs() > 0 || wantsLogprobs(s)
                ? s.sampler.nextWithLogprobs(logits)
                : new Sampler.Step(s.sampler.next(logits), Float.NaN, null, null);
        long now = System.nanoTime();
        if (s.generated == 0) {
            s.firstTokenNanos = now;
            metrics.timeToFirstToken((now - s.enqueuedNanos) / 1e9);
        } else {
            metrics.interTokenLatency((now - s.lastTokenNanos) / 1e9);
        }
        s.lastTokenNanos = now;
        s.generated++;
        metrics.generationToken();
        boolean stopId = s.sampler.params().isStopToken(step.token());
        boolean last = s.sampler.isFinished(step.token());
        boolean go = s.listener.onToken(step, last);
        if (!go || stopId) {
            finish(s, FinishReason.STOP);
        } else if (last) {
            finish(s, FinishReason.LENGTH);
        } else {
            s.lastToken = step.token();
        }
    }

    private static boolean wantsLogprobs(Sequence s) {
        return s.listener instanceof LogprobsWanted w && w.logprobs();
    }

    private void finish(Sequence s, FinishReason reason) {
        if (running.remove(s)) {
            reservedBytes -= s.reservedBytes;
            runningCount = running.size();
            s.state = null;
            metrics.requestFinished((System.nanoTime() - s.enqueuedNanos) / 1e9);
            try {
                s.listener.onFinish(reason, s);
            } catch (RuntimeException e) {
                Log.errorf(e, "Listener of request %s failed on finish", s.requestId);
            }
        }
        signalIfIdle();
    }

    private void signalIfIdle() {
        if (running.isEmpty()) {
            lock.lock();
            try {
                if (waiting.isEmpty()) {
                    idle.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Implemented by listeners that want the chosen token's log-probability even without alternatives. */
    public interface LogprobsWanted {
        boolean logprobs();
    }
}
