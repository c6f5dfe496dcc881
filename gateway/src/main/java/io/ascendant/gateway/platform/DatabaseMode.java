package io.ascendant.gateway.platform;

import java.util.Map;
import java.util.Properties;

/**
 * Whether the gateway starts its own PostgreSQL: {@link #EXTERNAL} as soon as a JDBC URL is configured ({@code
 * QUARKUS_DATASOURCE_JDBC_URL} or {@code -Dquarkus.datasource.jdbc.url}), {@link #EMBEDDED} otherwise.
 */
public enum DatabaseMode {
    /** Start the embedded PostgreSQL in the persistent data directory and point the datasource at it. */
    EMBEDDED,
    /** Use the configured PostgreSQL; start nothing. */
    EXTERNAL;

    /** Decides from the process environment and system properties. */
    public static DatabaseMode resolve(Map<String, String> env, Properties sys) {
        String url = sys.getProperty("quarkus.datasource.jdbc.url", env.get("QUARKUS_DATASOURCE_JDBC_URL"));
        return url == null || url.isBlank() ? EMBEDDED : EXTERNAL;
    }
}
