package io.ascendant.engine.sampling;

import java.util.List;

/**
 * How to pick the next token, with the OpenAI / vLLM meaning of every field.
 *
 * @param temperature 0 = greedy (argmax, lowest id on ties); otherwise logits are divided by it
 * @param topP nucleus: keep the smallest set of most likely tokens whose probability reaches {@code topP}; 1 = off
 * @param topK keep the {@code topK} most likely tokens; 0 or less = off
 * @param minP drop tokens whose probability is below {@code minP × p(most likely)}; 0 = off
 * @param seed seed of the per-request random stream (same seed, same logits ⇒ same tokens)
 * @param repetitionPenalty vLLM/HF repetition penalty over prompt and output tokens ({@code > 0}, 1 = off): a
 *     positive logit is divided by it, a negative one multiplied
 * @param frequencyPenalty subtracted once per earlier occurrence in the output (OpenAI semantics), 0 = off
 * @param presencePenalty subtracted once if the token occurred in the output, 0 = off
 * @param maxTokens generation stops after this many tokens
 * @param stopTokenIds generation stops when one of these ids is sampled (the EOS id is added by callers)
 * @param stopStrings matched by the caller on detokenised text with {@link StopStrings}
 * @param topLogprobs number of alternatives with their log-probabilities to report per step (0 = none)
 */
public record SamplingParams(
        float temperature,
        float topP,
        int topK,
        float minP,
        long seed,
        float repetitionPenalty,
        float frequencyPenalty,
        float presencePenalty,
        int maxTokens,
        int[] stopTokenIds,
        List<String> stopStrings,
        int topLogprobs) {

    public SamplingParams {
        if (temperature < 0 || Float.isNaN(temperature)) {
            throw new IllegalArgumentException("temperature must be >= 0, was " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], was " + topP);
        }
        if (minP < 0 || minP > 1) {
            throw new IllegalArgumentException("min_p must be in [0, 1], was " + minP);
        }
        if (!(repetitionPenalty > 0)) {
            throw new IllegalArgumentException("repetition_penalty must be > 0, was " + repetitionPenalty);
        }
        if (maxTokens < 0) {
            throw new IllegalArgumentException("max_tokens must be >= 0, was " + maxTokens);
        }
        if (topLogprobs < 0) {
            throw new IllegalArgumentException("top_logprobs must be >= 0, was " + topLogprobs);
        }
        stopTokenIds = stopTokenIds == null ? new int[0] : stopTokenIds.clone();
        stopStrings = stopStrings == null ? List.of() : List.copyOf(stopStrings);
    }

    /** Greedy decoding of at most {@code maxTokens} tokens, no penalties. */
    public static SamplingParams greedy(int maxTokens) {
        return new SamplingParams(0f, 1f, 0, 0f, 0L, 1f, 0f, 0f, maxTokens, new int[0], List.of(), 0);
    }

    /** Temperature sampling with a seed, everything else off. */
    public static SamplingParams temperature(float temperature, long seed, int maxTokens) {
        return new SamplingParams(temperature, 1f, 0, 0f, seed, 1f, 0f, 0f, maxTokens, new int[0], List.of(), 0);
    }

    /** Whether {@code token} is one of the stop ids. */
    public boolean isStopToken(int token) {
        for (int s : stopTokenIds) {
            if (s == token) {
                return true;
            }
        }
        return false;
    }
}
