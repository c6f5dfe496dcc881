package io.ascendant.gateway.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A loopback TCP port that takes connections and never answers: what a paused server (for example a Keycloak whose JVM
 * got {@code SIGSTOP}) looks like to a client. The kernel completes the handshakes into the listen backlog and buffers
 * what the client sends; nothing ever reads it. Tests point a client at {@link #url()} to check that it gives up in
 * time.
 *
 * <p>One per JVM, open until the JVM exits: a {@code @TestProfile} reads the URL when Quarkus starts, so the port must
 * outlive any single test.
 */
public final class SilentServer {

    private static final ServerSocket SOCKET = open();

    private SilentServer() {}

    /** {@code http://127.0.0.1:<port>} of the silent port. */
    public static String url() {
        return "http://127.0.0.1:" + SOCKET.getLocalPort();
    }

    private static ServerSocket open() {
        try {
            // accept() is never called; a large backlog keeps every connection attempt "connected" and unanswered.
            return new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not open a silent loopback port", e);
        }
    }
}
