package io.ascendant.modelhost.server.testsupport;

import io.ascendant.engine.demo.DemoCheckpointGenerator;
import io.ascendant.engine.demo.DemoVariant;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The generated DEMO checkpoint (vocab 129280, the real V4 tokenizer) under {@code target/}, made once per build. */
public final class DemoCheckpoint {
    private DemoCheckpoint() {}

    /** The checkpoint directory, generated on first use (about 5 s, 71 MB). */
    public static synchronized Path dir() {
        Path dir = Path.of("target", "test-demo-checkpoint").toAbsolutePath();
        Path done = dir.resolve(".complete");
        if (!Files.exists(done)) {
            try {
                DemoCheckpointGenerator.generate(DemoVariant.DEMO, dir);
                Files.writeString(done, "ok");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }
}
