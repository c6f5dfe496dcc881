package io.ascendant.engine.demo;

import java.nio.file.Path;

/**
 * {@code java io.ascendant.engine.demo.GenerateDemoCheckpoint <dir> [tiny|tiny-hca128|demo]}: writes a deterministic
 * demo checkpoint (default {@code demo}) and prints its size. See {@link DemoVariant}.
 */
public final class GenerateDemoCheckpoint {
    private GenerateDemoCheckpoint() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: GenerateDemoCheckpoint <dir> [tiny|tiny-hca128|demo]");
            System.exit(2);
        }
        DemoVariant v;
        try {
            v = DemoVariant.of(args.length == 2 ? args[1] : "demo");
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Path dir = Path.of(args[0]);
        long t0 = System.nanoTime();
        long bytes = DemoCheckpointGenerator.generate(v, dir);
        System.out.printf(
                "wrote %s checkpoint to %s: %.1f MB of tensors in %.1f s%n",
                v.id(), dir, bytes / 1e6, (System.nanoTime() - t0) / 1e9);
    }
}
