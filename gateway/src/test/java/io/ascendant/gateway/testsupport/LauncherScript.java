package io.ascendant.gateway.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an {@code ascendant} launcher script (the repository's, or a {@link StandInInstallation}'s copy) with a
 * controlled environment: its own {@code ASCENDANT_HOME} (also {@code HOME}), {@code JAVA_HOME} set to this JVM's JDK,
 * {@code ASCENDANT_SKIP_BUILD=true}, a free port for every {@code ASCENDANT_*_PORT}, and no other {@code ASCENDANT_*}
 * or {@code QUARKUS_*} variable of this JVM. Extra variables given to a call override these.
 */
public final class LauncherScript {

    /** The repository's launcher, seen from the gateway module's directory. */
    public static final Path REPOSITORY_LAUNCHER =
            Path.of(System.getProperty("ascendant.test.launcher", "../ascendant"));

    /** What one finished run printed, and its exit status. */
    public record Result(int status, String stdout, String stderr) {}

    private final Path script;
    private final Path home;

    /** A launcher at {@code script} whose {@code ASCENDANT_HOME} is {@code home}. */
    public LauncherScript(Path script, Path home) {
        this.script = script;
        this.home = home;
    }

    /** Runs {@code ./ascendant args...} to its end (at most 120 s, else an AssertionError). */
    public Result run(Map<String, String> extraEnv, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(home, "launcher", ".out");
        Path err = Files.createTempFile(home, "launcher", ".err");
        Process p = start(extraEnv, out, err, args);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("launcher did not finish within 120 s");
        }
        return new Result(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Starts {@code ./ascendant args...} in the background, its stdout and stderr going to the given files. */
    public Process start(Map<String, String> extraEnv, Path out, Path err, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        return start(extraEnv, out, err, command);
    }

    /** Starts {@code command} (which runs the launcher, say through a pipe) with the launcher's environment. */
    public Process start(Map<String, String> extraEnv, Path out, Path err, List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("ASCENDANT_") || k.startsWith("QUARKUS_"));
        env.put("HOME", home.toString());
        env.put("ASCENDANT_HOME", home.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("ASCENDANT_SKIP_BUILD", "true");
        // Ports nobody else uses in this test, unless a test overrides them; held open together while chosen, so the
        // kernel cannot hand out one port twice (the launcher refuses two parts on one port).
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (String port : List.of("POSTGRES", "KEYCLOAK", "KEYCLOAK_MANAGEMENT", "GATEWAY", "MODEL_HOST")) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
                held.add(socket);
                env.put("ASCENDANT_" + port + "_PORT", Integer.toString(socket.getLocalPort()));
            }
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
        env.putAll(extraEnv);
        return pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    }

    /** A loopback port that was free a moment ago. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
