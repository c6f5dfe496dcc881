import io.ascendant.engine.model.SequenceState;
import io.ascendant.engine.model.V4Model;
import java.nio.file.Path;

/**
 * Bare-engine decode at batch 1, no HTTP, no scheduler: {@code java -cp <server lib/main/*> BareDecode.java DIR TOKENS
 * [REPS]} decodes REPS sequences of TOKENS tokens (after two warm-up ones; each generated token after the first is one
 * {@code decode} call with greedy argmax, as the host's first token comes from the prefill) and prints the p50
 * ms/token.
 */
public class BareDecode {
    public static void main(String[] a) {
        V4Model model = V4Model.load(Path.of(a[0]));
        int n = Integer.parseInt(a[1]);
        int reps = a.length > 2 ? Integer.parseInt(a[2]) : 1;
        double[] ms = new double[reps];
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = 0;
        for (int r = -2; r < reps; r++) { // two warm-up sequences, like HostBench decode
            if (r == 0) {
                cpu0 = ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
            }
            SequenceState s = model.newSequence();
            float[] logits = model.extend(s, new int[] {0, 100 + r, 200, 300, 400, 500, 600, 700, 800, 900});
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
