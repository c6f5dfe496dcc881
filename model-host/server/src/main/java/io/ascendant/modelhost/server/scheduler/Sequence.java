package io.ascendant.modelhost.server.scheduler;

import io.ascendant.engine.model.SequenceState;
import io.ascendant.engine.sampling.Sampler;

/**
 * One request in the scheduler: its prompt ids, sampler, listener and the progress the scheduler thread makes. Only
 * {@link #cancel()} and the read-only accessors may be used from other threads.
 */
public final class Sequence {
    final String requestId;
    final int[] prompt;
    final Sampler sampler;
    final SequenceListener listener;
    final long reservedBytes;
    final long enqueuedNanos = System.nanoTime();
    private volatile boolean cancelled;

    SequenceState state;
    int prefilled;
    volatile int cachedTokens;
    volatile int generated;
    int lastToken = -1;
    float[] logits;
    volatile long firstTokenNanos;
    long lastTokenNanos;

    /**
     * @param reservedBytes KV bytes held for it while running (its worst case, prompt + max tokens)
     */
    public Sequence(String requestId, int[] prompt, Sampler sampler, SequenceListener listener, long reservedBytes) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("a prompt needs at least one token");
        }
        this.requestId = requestId;
        this.prompt = prompt;
        this.sampler = sampler;
        this.listener = listener;
        this.reservedBytes = reservedBytes;
    }

    /** Asks the scheduler to drop the sequence at its next step (client gone). Any thread. */
    public void cancel() {
        cancelled = true;
    }

    public boolean cancelled() {
        return cancelled;
    }

    public String requestId() {
        return requestId;
    }

    public int promptTokens() {
        return prompt.length;
    }

    /** Prompt tokens restored from the prefix cache (0 on a miss). */
    public int cachedTokens() {
        return cachedTokens;
    }

    /** Tokens sampled so far (stop ids included). */
    public int generatedTokens() {
        return generated;
    }

    /** Nanos from submission to the first sampled token; -1 if none yet. */
    public long timeToFirstTokenNanos() {
        long f = firstTokenNanos;
        return f == 0 ? -1 : f - enqueuedNanos;
    }

    public long enqueuedNanos() {
        return enqueuedNanos;
    }
}
