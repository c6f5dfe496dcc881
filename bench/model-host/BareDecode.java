import io.ascendant.engine.model.SequenceState;
import io.ascendant.engine.model.V4Model;
import io.ascendant.tokenizer.Tokenizer;
import io.ascendant.tokenizer.chat.ChatEncoder;
import io.ascendant.tokenizer.chat.ChatMessage;
import io.ascendant.tokenizer.chat.ChatOptions;
import java.nio.file.Path;
import java.util.List;

/**
 * Bare-engine decode at batch 1, no HTTP, no scheduler: {@code java -cp <server lib/main/*> BareDecode.java DIR TOKENS
 * [REPS]} does the engine work of {@code HostBench decode REPS TOKENS}: the same chats (two warm-up ones, then REPS),
 * encoded with the V4 chat encoding and {@code DIR/tokenizer.json} as the host encodes them, each prefilled with one
 * {@code extend} and then decoded for TOKENS tokens (the first from the prefill's logits, each further one a
 * {@code decode} call with greedy argmax). Prints the p50 ms per token after the first and the process CPU time per
 * generated token after the warm-ups (prefill included, as in the host's figure).
 */
public class BareDecode {
    public static void main(String[] a) {
        V4Model model = V4Model.load(Path.of(a[0]));
        ChatEncoder encoder = new ChatEncoder(Tokenizer.load(Path.of(a[0], "tokenizer.json")));
        int n = Integer.parseInt(a[1]);
        int reps = a.length > 2 ? Integer.parseInt(a[2]) : 1;
        double[] ms = new double[reps];
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = 0;
        for (int r = -2; r < reps; r++) { // two warm-up sequences, like HostBench decode
            if (r == 0) {
                cpu0 = ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
            }
            String content = r < 0 ? "warm up " + words(96 - r, 20) : "Story " + r + ": " + words(500 + r, 20);
            int[] prompt = encoder.encode(List.of(ChatMessage.user(content)), List.of(), ChatOptions.chatMode());
            SequenceState s = model.newSequence();
            float[] logits = model.extend(s, prompt);
            int token = argmax(logits);
            long t0 = System.nanoTime();
            for (int i = 0; i < n - 1; i++) {
                token = argmax(model.decode(s, token));
            }
            if (r >= 0) {
                ms[r] = (System.nanoTime() - t0) / 1e6 / (n - 1);
            }
        }
        double cpuMs = (((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() - cpu0) / 1e6 / ((long) reps * n);
        java.util.Arrays.sort(ms);
        double p50 = ms[(reps - 1) / 2];
        System.out.printf("bare engine decode batch 1: %.2f ms/token (%.2f tok/s, p50 of %d sequences of %d tokens),"
                        + " process CPU %.2f ms/token%n",
                p50, 1000 / p50, reps, n, cpuMs);
        model.close();
    }

    /** HostBench.words: the same pseudo-random words for the same seed. */
    static String words(int seed, int n) {
        StringBuilder b = new StringBuilder();
        java.util.Random r = new java.util.Random(seed);
        String[] w = {"alpha", "river", "stone", "cloud", "market", "engine", "garden", "signal", "paper", "orbit"};
        for (int i = 0; i < n; i++) {
            b.append(w[r.nextInt(w.length)]).append(' ');
        }
        return b.toString();
    }

    static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }
}
