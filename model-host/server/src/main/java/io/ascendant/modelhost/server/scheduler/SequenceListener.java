package io.ascendant.modelhost.server.scheduler;

import io.ascendant.engine.sampling.Sampler;

/**
 * Receives one sequence's output. Called on the scheduler thread: implementations must not block (hand writes to
 * the HTTP event loop) and must be quick, since every call delays the next batched step.
 */
public interface SequenceListener {

    /**
     * One sampled token (stop ids included, so the listener can see EOS).
     *
     * @param step the token and, when requested, its log-probabilities
     * @param last whether the scheduler will stop the sequence after this token (stop id or max_tokens)
     * @return false to stop the sequence now (a stop string matched); it then finishes with {@link FinishReason#STOP}
     */
    boolean onToken(Sampler.Step step, boolean last);

    /** The sequence ended; called exactly once, after the last {@link #onToken}. */
    void onFinish(FinishReason reason, Sequence sequence);
}
