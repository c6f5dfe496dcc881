package io.ascendant.modelhost.server.loading;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The bytes a checkpoint maps: the sum of its {@code *.safetensors} files. */
public final class CheckpointSize {
    private CheckpointSize() {}

    /**
     * @throws IllegalStateException if the directory does not exist or holds no safetensors file
     */
    public static long mappedBytes(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("modelhost.model-dir " + dir + " is not a directory; generate the demo"
                    + " model with ./ascendant up or point modelhost.model-dir at a V4 checkpoint.");
        }
        try (Stream<Path> files = Files.list(dir)) {
            long total = 0;
            int count = 0;
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".safetensors"))
                    .toList()) {
                total += Files.size(p);
                count++;
            }
            if (count == 0) {
                throw new IllegalStateException("modelhost.model-dir " + dir + " holds no .safetensors file.");
            }
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** Physical memory of the machine, or -1 when the JVM cannot tell. */
    public static long physicalMemory() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return -1;
    }
}
