import io.ascendant.engine.model.SequenceState;
import io.ascendant.engine.model.V4Model;
import java.nio.file.Path;

/** Bare-engine decode at batch 1: {@code java -cp <server lib/main/*> BareDecode.java DIR TOKENS} prints ms/token. */
public class BareDecode {
    public static void main(String[] a) {
        V4Model model = V4Model.load(Path.of(a[0]));
        int n = Integer.parseInt(a[1]);
        SequenceState s = model.newSequence();
        float[] logits = model.extend(s, new int[] {0, 100, 200, 300, 400, 500});
        int token = argmax(logits);
        for (int i = 0; i < 8; i++) {
            token = argmax(model.decode(s, token)); // warm-up
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            token = argmax(model.decode(s, token));
        }
        double ms = (System.nanoTime() - t0) / 1e6 / n;
        System.out.printf("bare engine decode batch 1: %.2f ms/token (%.2f tok/s) over %d tokens%n", ms, 1000 / ms, n);
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
