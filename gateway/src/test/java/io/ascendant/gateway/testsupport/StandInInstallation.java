package io.ascendant.gateway.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A copy of the launcher ({@code ascendant}, {@code deploy/launcher/}, {@code deploy/launcher.d/} and the realm
 * file) in a directory of its own, where every program {@code up} starts is {@link LauncherStandIn}: a fake JDK whose
 * {@code java} runs it, empty jars where the build puts the real ones, a Keycloak home whose {@code kc.sh} runs it as
 * a child process (as the real {@code kc.sh} runs Keycloak's Java), a
 * demo model directory and an existing admin password. {@code ./ascendant up} there reaches "Ascendant is up." in
 * seconds, and tests can kill its parts. {@link #withStandInBuild()} replaces the jars by a {@code mvnw} that builds
 * nothing and never ends.
 */
public final class StandInInstallation {

    private static final Path REPOSITORY =
            LauncherScript.REPOSITORY_LAUNCHER.toAbsolutePath().getParent();

    private final Path root;
    private final Path home;
    private final Path javaHome;

    private StandInInstallation(Path root, Path home, Path javaHome) {
        this.root = root;
        this.home = home;
        this.javaHome = javaHome;
    }

    /** Lays out the installation under {@code dir} (which must be empty): {@code root/}, {@code home/}, {@code jdk/}. */
    public static StandInInstallation create(Path dir) throws IOException {
        Path root = dir.resolve("root");
        Path home = dir.resolve("home");
        Path jdk = dir.resolve("jdk");
        copy(REPOSITORY.resolve("ascendant"), root.resolve("ascendant"));
        for (String folder : new String[] {"deploy/launcher", "deploy/launcher.d"}) {
            try (Stream<Path> files = Files.list(REPOSITORY.resolve(folder))) {
                for (Path file : files.toList()) {
                    copy(file, root.resolve(folder).resolve(file.getFileName()));
                }
            }
        }
        copy(
                REPOSITORY.resolve("deploy/keycloak/realm-ascendant.json"),
                root.resolve("deploy/keycloak/realm-ascendant.json"));
        for (String jar : new String[] {"gateway", "model-host/server"}) {
            Path path = root.resolve(jar + "/target/quarkus-app/quarkus-run.jar");
            Files.createDirectories(path.getParent());
            Files.writeString(path, "");
        }
        String classes = Path.of(LauncherStandIn.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .getPath())
                .toString();
        executable(
                jdk.resolve("bin/java"),
                "#!/bin/sh\n"
                        + "if [ \"$1\" = -version ]; then echo 'openjdk version \"25.0.1\" 2025-10-21' >&2; exit 0; fi\n"
                        + "exec '" + Path.of(System.getProperty("java.home"), "bin/java") + "' -cp '" + classes + "' "
                        + LauncherStandIn.class.getName() + " \"$@\"\n");
        executable(jdk.resolve("bin/javac"), "#!/bin/sh\nexit 0\n");
        // Like Keycloak's own kc.sh, which runs Java as its child (not exec): killing kc.sh alone leaves Java running.
        String kc = "#!/bin/sh\n'" + jdk.resolve("bin/java") + "' \"$0\" \"$@\"\n";
        executable(home.resolve("cache/keycloak-26.7.3/bin/kc.sh"), kc);
        executable(home.resolve("keycloak/bin/kc.sh"), kc);
        Files.createDirectories(home.resolve("keycloak/data/import"));
        Files.writeString(
                home.resolve("keycloak/.build-options"),
                "--db=postgres --health-enabled=true --metrics-enabled=true\n");
        Files.createDirectories(home.resolve("secrets"));
        Files.writeString(home.resolve("secrets/admin-password"), "stand-in");
        Files.createDirectories(dir.resolve("model"));
        Files.writeString(dir.resolve("model/config.json"), "{}");
        return new StandInInstallation(root, home, jdk);
    }

    /**
     * No jars: {@code up} must build, and {@code ./mvnw} prints a Maven line every 0.1 s until it is signalled,
     * ignoring a broken pipe as Maven's JVM does. It writes its PID to {@code home/build.pid.stand-in}.
     */
    public StandInInstallation withStandInBuild() throws IOException {
        Files.delete(root.resolve("gateway/target/quarkus-app/quarkus-run.jar"));
        executable(
                root.resolve("mvnw"),
                "#!/bin/bash\ntrap '' PIPE\necho $$ >'" + home.resolve("build.pid.stand-in")
                        + "'\nwhile :; do echo '[INFO] Building stand-in module'; sleep 0.1; done\n");
        return this;
    }

    /** The copied launcher. */
    public LauncherScript launcher() {
        return new LauncherScript(root.resolve("ascendant"), home);
    }

    /** The installation's {@code ASCENDANT_HOME}. */
    public Path home() {
        return home;
    }

    /** The variables that make the launcher use the stand-ins, for {@link LauncherScript}'s calls. */
    public Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", javaHome.toString());
        env.put("ASCENDANT_JVM_DIR", javaHome.resolve("none").toString());
        env.put("ASCENDANT_MODEL_DIR", home.resolveSibling("model").toString());
        return env;
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
    }

    private static void executable(Path path, String script) throws IOException {
        Files.createDirectories(path.getParent());
        Files.writeString(path, script);
        path.toFile().setExecutable(true);
    }
}
