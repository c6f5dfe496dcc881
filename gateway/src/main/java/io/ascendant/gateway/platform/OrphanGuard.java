package io.ascendant.gateway.platform;

import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * Makes sure a server process we started (PostgreSQL, Keycloak) dies with the JVM that started it, even when that
 * JVM is killed with {@code kill -9} and its shutdown hooks never run.
 *
 * <p>Design: a tiny {@code bash} watchdog is started per guarded process. It polls, once a second, whether the
 * owning JVM is still alive; when it is gone, the watchdog sends the guarded process (or its whole process group)
 * a polite signal, waits up to 30 s, then {@code SIGKILL}s what is left, and exits. The normal path (shutdown hooks
 * stopping the servers cleanly) calls {@link Guard#release()} first so the watchdog never signals a PID that may
 * have been reused.
 *
 * <p>Trap: the PID of the owning JVM could in theory be reused within the one-second poll interval; we accept that
 * tiny window rather than depend on non-portable {@code prctl(PR_SET_PDEATHSIG)}.
 */
public final class OrphanGuard {

    private static final String WATCHDOG = """
            owner="$1"; target="$2"; mode="$3"; signal="$4"
            while kill -0 "$owner" 2>/dev/null; do sleep 1; done
            if [ "$mode" = group ]; then spec="-$target"; else spec="$target"; fi
            kill "-$signal" -- "$spec" 2>/dev/null || exit 0
            i=0
            while [ $i -lt 30 ] && kill -0 -- "$spec" 2>/dev/null; do sleep 1; i=$((i+1)); done
            kill -KILL -- "$spec" 2>/dev/null
            exit 0
            """;

    private OrphanGuard() {}

    /**
     * Starts a watchdog that stops {@code pid} when this JVM is gone.
     *
     * @param pid the process to stop, or the leader of the process group to stop when {@code processGroup}
     * @param processGroup signal the whole process group {@code -pid} (for servers started through {@code setsid})
     * @param signal the polite signal name without {@code SIG}: {@code TERM}, or {@code INT} for PostgreSQL's fast
     *     shutdown
     * @return a handle whose {@link Guard#release()} stops the watchdog once the server was stopped cleanly
     * @throws IOException if {@code bash} cannot be started
     */
    public static Guard watch(long pid, boolean processGroup, String signal) throws IOException {
        Objects.requireNonNull(signal, "signal");
        long owner = ProcessHandle.current().pid();
        Process watchdog = new ProcessBuilder(List.of(
                        "bash",
                        "-c",
                        WATCHDOG,
                        "ascendant-orphan-guard",
                        Long.toString(owner),
                        Long.toString(pid),
                        processGroup ? "group" : "pid",
                        signal))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        return new Guard(watchdog);
    }

    /** A running watchdog. */
    public static final class Guard {
        private final Process watchdog;

        private Guard(Process watchdog) {
            this.watchdog = watchdog;
        }

        /** Stops the watchdog without signalling the guarded process (call after a clean stop). */
        public void release() {
            watchdog.destroyForcibly();
        }
    }
}
