import io.ascendant.engine.model.SequenceState;
import io.ascendant.engine.model.V4Model;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What the prefix cache's snapshot interval costs the prefill: {@code java -cp <server lib/main/*> PrefillPieces.java
 * DIR TOKENS PIECES} feeds one TOKENS-token prompt through {@code extend} in pieces of each size of the comma-separated
 * PIECES (the host with the prefix cache on feeds prompts in pieces of {@code block-size × snapshot-interval-blocks}
 * tokens, without it in pieces of {@code prefill-tokens-per-step}), twice, and prints wall and process CPU time per
 * piece size. CPU time is the figure to compare on a shared machine.
 */
public class PrefillPieces {
    public static void main(String[] a) {
        V4Model model = V4Model.load(Path.of(a[0]));
        int total = Integer.parseInt(a[1]);
        int[] pieces = Arrays.stream(a[2].split(",")).mapToInt(Integer::parseInt).toArray();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        int[] prompt = new int[total];
        for (int i = 0; i < total; i++) {
            prompt[i] = 1000 + (i * 7919) % 100000;
        }
        for (int rep = 0; rep < 2; rep++) {
            for (int p : pieces) {
                SequenceState s = model.newSequence();
                long c0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                for (int at = 0; at < total; at += p) {
                    model.extend(s, Arrays.copyOfRange(prompt, at, Math.min(total, at + p)));
                }
                double wall = (System.nanoTime() - t0) / 1e9;
                System.out.printf("round %d: %d tokens in %d-token pieces: wall %.1f s (%.1f tok/s), process CPU %.1f s%n",
                        rep + 1, total, p, wall, total / wall, (os.getProcessCpuTime() - c0) / 1e9);
            }
        }
        model.close();
    }
}
