package io.ascendant.engine.sampling;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks tokens from logits for one request: penalties, then temperature, min-p, top-k, top-p (the vLLM v1 order),
 * then a draw from the seeded random stream. One instance per request; not thread-safe. Buffers of vocabulary
 * size are allocated once, in the constructor.
 *
 * <p>Penalties (vLLM semantics): the repetition penalty applies to tokens seen in the prompt or the output, the
 * frequency and presence penalties to tokens of the output only. Log-probabilities ({@link Step#logprob()}, top
 * alternatives) are those of the raw model logits (log-softmax before penalties and temperature), as vLLM reports
 * by default.
 *
 * <p>Greedy decoding without penalties (the common case of a served model at {@code temperature 0}) takes a fast path:
 * the argmax of the logits as given, with no copy of the vocabulary-sized array and no per-request buffers; it picks
 * exactly what the general path picks (lowest id of the maximum), see {@code SamplerTest}.
 */
public final class Sampler {
    private final SamplingParams params;
    private final int vocab;
    private final SplittableRandom random;
    private final boolean penalised; // any of the three penalties is active
    private final boolean greedyFast; // temperature 0 and no penalty: argmax of the logits as given
    private float[] work; // the general path's working copy, allocated on first use
    private long[] keys; // sort keys for top-k / top-p, allocated on first use
    private final int[] outputCounts; // null unless penalised
    private final boolean[] seen; // null unless penalised
    private final int[] touched; // null unless penalised
    private int touchedCount;
    private int generated;

    /** One step's choice and, when requested, its log-probabilities. */
    public record Step(int token, float logprob, int[] topIds, float[] topLogprobs) {}

    /**
     * Vocabulary-sized buffers are allocated only for what {@code params} needs: none for greedy decoding without
     * penalties, the penalty counters only with a penalty, the working copy on the first non-greedy step.
     *
     * @param promptTokens the prompt (seen tokens for the repetition penalty); may be empty
     */
    public Sampler(SamplingParams params, int vocabSize, int[] promptTokens) {
        this.params = params;
        this.vocab = vocabSize;
        this.random = new SplittableRandom(params.seed());
        this.penalised =
                params.repetitionPenalty() != 1f || params.frequencyPenalty() != 0f || params.presencePenalty() != 0f;
        this.greedyFast = params.temperature() == 0f && !penalised;
        this.outputCounts = penalised ? new int[vocabSize] : null;
        this.seen = penalised ? new boolean[vocabSize] : null;
        this.touched = penalised ? new int[vocabSize] : null;
        if (penalised) {
            for (int t : promptTokens) {
                markSeen(t);
            }
        }
    }

    public SamplingParams params() {
        return params;
    }

    /** Number of tokens accepted as output so far. */
    public int generated() {
        return generated;
    }

    /** Whether the request is done after {@code token}: a stop id, or {@code max_tokens} reached. */
    public boolean isFinished(int token) {
        return params.isStopToken(token) || generated >= params.maxTokens();
    }

    /** Samples the next token from {@code logits} (not modified) and records it as output. */
    public int next(float[] logits) {
        int token = choose(logits);
        accept(token);
        return token;
    }

    /** Like {@link #next} and also reports log-probabilities ({@code topLogprobs} alternatives). */
    public Step nextWithLogprobs(float[] logits) {
        int token = next(logits);
        return logprobs(logits, token, params.topLogprobs());
    }

    /** Records {@code token} as generated output without sampling (for penalties, e.g. forced tokens). */
    public void accept(int token) {
        if (penalised && token >= 0 && token < vocab) {
            outputCounts[token]++;
            markSeen(token);
        }
        generated++;
    }

    private void markSeen(int token) {
        if (token >= 0 && token < vocab && !seen[token]) {
            seen[token] = true;
            touched[touchedCount++] = token;
        }
    }

    /** The token this sampler would pick for {@code logits}, without recording it. */
    int choose(float[] logits) {
        if (logits.length != vocab) {
            throw new IllegalArgumentException("logits have " + logits.length + " entries, vocabulary is " + vocab);
        }
        if (greedyFast) {
            return argmax(logits); // = the general path: an unmodified copy, no penalty, argmax
        }
        return chooseGeneral(logits);
    }

    /** Whether {@link #choose} takes the greedy fast path (tests). */
    boolean greedyFastPath() {
        return greedyFast;
    }

    /** The general path: penalties and sampling on a working copy of the logits (tests compare the fast path). */
    int chooseGeneral(float[] logits) {
        float[] w = work;
        if (w == null) {
            w = work = new float[vocab];
        }
        System.arraycopy(logits, 0, w, 0, vocab);
        applyPenalties(w);
        if (params.temperature() == 0f) {
            return argmax(w);
        }
        float invT = 1f / params.temperature();
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            w[i] *= invT;
            max = Math.max(max, w[i]);
        }
        // w becomes unnormalised probabilities exp(l - max); masked tokens get 0
        for (int i = 0; i < vocab; i++) {
            w[i] = (float) Math.exp(w[i] - max);
        }
        if (params.minP() > 0f) {
            float threshold = params.minP(); // p_max = exp(0) = 1 before normalisation
            for (int i = 0; i < vocab; i++) {
                if (w[i] < threshold) {
                    w[i] = 0f;
                }
            }
        }
        boolean needSort = (params.topK() > 0 && params.topK() < vocab) || params.topP() < 1f;
        if (!needSort) {
            return drawInIndexOrder(w);
        }
        long[] keys = this.keys;
        if (keys == null) {
            keys = this.keys = new long[vocab];
        }
        int n = 0;
        for (int i = 0; i < vocab; i++) {
            if (w[i] > 0f) {
                keys[n++] = descendingKey(w[i], i);
            }
        }
        Arrays.sort(keys, 0, n);
        int keep = n;
        if (params.topK() > 0 && params.topK() < keep) {
            keep = params.topK();
        }
        double total = 0;
        for (int r = 0; r < keep; r++) {
            total += w[(int) keys[r]];
        }
        if (params.topP() < 1f) {
            double target = params.topP() * total;
            double cum = 0;
            int r = 0;
            while (r < keep) {
                cum += w[(int) keys[r]];
                r++;
                if (cum >= target) {
                    break;
                }
            }
            keep = r;
            total = cum;
        }
        double u = random.nextDouble() * total;
        double cum = 0;
        for (int r = 0; r < keep; r++) {
            cum += w[(int) keys[r]];
            if (u < cum) {
                return (int) keys[r];
            }
        }
        return (int) keys[keep - 1];
    }

    private int drawInIndexOrder(float[] p) {
        double total = 0;
        for (int i = 0; i < vocab; i++) {
            total += p[i];
        }
        double u = random.nextDouble() * total;
        double cum = 0;
        int last = 0;
        for (int i = 0; i < vocab; i++) {
            if (p[i] > 0f) {
                cum += p[i];
                last = i;
                if (u < cum) {
                    return i;
                }
            }
        }
        return last;
    }

    private void applyPenalties(float[] w) {
        if (!penalised) {
            return;
        }
        float rp = params.repetitionPenalty();
        float fp = params.frequencyPenalty();
        float pp = params.presencePenalty();
        for (int k = 0; k < touchedCount; k++) {
            int t = touched[k];
            float l = w[t];
            if (rp != 1f) {
                l = l > 0 ? l / rp : l * rp;
            }
            int c = outputCounts[t];
            if (c > 0) {
                l -= fp * c + pp;
            }
            w[t] = l;
        }
    }

    /** Index of the largest value, lowest index on ties. */
    public static int argmax(float[] x) {
        int best = 0;
        float bv = x[0];
        for (int i = 1; i < x.length; i++) {
            if (x[i] > bv) {
                bv = x[i];
                best = i;
            }
        }
        return best;
    }

    /** Sort key: larger value first, lower index first on ties. */
    private static long descendingKey(float v, int index) {
        int s = Float.floatToIntBits(v);
        s ^= (s >> 31) & 0x7fffffff; // monotonic int order of floats
        long desc = (long) Integer.MAX_VALUE - s; // 0 .. 2^32-1, smaller = larger value
        return ((desc - (1L << 31)) << 32) | index;
    }

    /** Log-probabilities of {@code token} and the {@code top} most likely tokens under the raw logits. */
    public static Step logprobs(float[] logits, int token, int top) {
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        float lse = (float) (max + Math.log(sum));
        int[] ids = new int[Math.min(top, logits.length)];
        float[] lps = new float[ids.length];
        int filled = 0;
        for (int i = 0; i < logits.length && ids.length > 0; i++) {
            float l = logits[i];
            if (filled == ids.length && l <= logits[ids[filled - 1]]) {
                continue;
            }
            int pos = filled < ids.length ? filled++ : filled - 1;
            while (pos > 0 && logits[ids[pos - 1]] < l) {
                ids[pos] = ids[pos - 1];
                pos--;
            }
            ids[pos] = i;
        }
        for (int k = 0; k < ids.length; k++) {
            lps[k] = logits[ids[k]] - lse;
        }
        return new Step(token, logits[token] - lse, ids, lps);
    }
}
