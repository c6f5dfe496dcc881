package io.ascendant.gateway.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A loopback TCP port that takes connections and never answers: what a paused server (for example a Keycloak whose JVM
 * got {@code SIGSTOP}) looks like to a client, and a port some other program holds. The kernel completes the
 * handshakes into the listen backlog and buffers what the client sends; nothing ever reads it.
 *
 * <p>Two uses:
 *
 * <ul>
 *   <li>{@link #url()}: the one shared silent port of the JVM, open until the JVM exits, for a client that must give
 *       up in time. A {@code @TestProfile} reads the URL when Quarkus starts, so the port must outlive any single test.
 *   <li>{@link #open()}: a silent port of the test's own, closed with try-with-resources, for a test that needs a port
 *       in use while it runs (the launcher and the embedded PostgreSQL must refuse it) and free again after.
 * </ul>
 */
public final class SilentServer implements AutoCloseable {

    private static final SilentServer SHARED = open();

    private final ServerSocket socket;

    private SilentServer(ServerSocket socket) {
        this.socket = socket;
    }

    /** {@code http://127.0.0.1:<port>} of the JVM's shared silent port. */
    public static String url() {
        return "http://127.0.0.1:" + SHARED.port();
    }

    /**
     * A new silent port on 127.0.0.1, taken until {@link #close()}.
     *
     * @throws UncheckedIOException when no port can be opened
     */
    public static SilentServer open() {
        try {
            // accept() is never called; a large backlog keeps every connection attempt "connected" and unanswered.
            return new SilentServer(new ServerSocket(0, 1000, InetAddress.getLoopbackAddress()));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not open a silent loopback port", e);
        }
    }

    /** The port number. */
    public int port() {
        return socket.getLocalPort();
    }

    /** Frees the port (the shared one of {@link #url()} is never closed). */
    @Override
    public void close() throws IOException {
        socket.close();
    }
}
