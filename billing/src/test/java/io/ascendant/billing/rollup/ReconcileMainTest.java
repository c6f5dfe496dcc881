package io.ascendant.billing.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code ascendant billing reconcile} says when its command line or its database fails. */
class ReconcileMainTest {

    @Test
    void aDatabaseThatRefusesTheConnectionIsToldToBeStartedOrPointedAt() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/ascendant";

        SQLException refused =
                assertThrows(SQLException.class, () -> DriverManager.getConnection(url, "postgres", "x"));

        assertThat(ReconcileMain.failure(refused, url))
                .startsWith("reconcile failed: could not connect to " + url + " (")
                .endsWith("); start the platform with './ascendant up', or point QUARKUS_DATASOURCE_JDBC_URL (or the"
                        + " jdbc-url argument) at the database.");
    }

    @Test
    void anOptionLeftWithoutItsValueSaysSoWhenTheDatabaseComesFromTheEnvironment() {
        // The launcher passes the database in QUARKUS_DATASOURCE_JDBC_URL, so nothing follows the user's arguments.
        Map<String, String> env = Map.of("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/ascendant");

        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ReconcileOptions.parse(new String[] {"--since"}, env, Instant.now()));

        assertThat(e.getMessage()).startsWith("--since needs a value; usage:");
    }
}
