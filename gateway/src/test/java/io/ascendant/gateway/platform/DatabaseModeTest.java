package io.ascendant.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The switch between the embedded PostgreSQL and an external one, and where the embedded one lives. */
class DatabaseModeTest {

    @Test
    void startsEmbeddedDatabaseWhenNoJdbcUrlIsConfigured() {
        assertThat(DatabaseMode.resolve(Map.of(), new Properties())).isEqualTo(DatabaseMode.EMBEDDED);
        assertThat(DatabaseMode.resolve(Map.of("QUARKUS_DATASOURCE_JDBC_URL", " "), new Properties()))
                .isEqualTo(DatabaseMode.EMBEDDED);
    }

    @Test
    void usesExternalDatabaseWhenEnvironmentNamesOne() {
        assertThat(DatabaseMode.resolve(
                        Map.of("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://db.internal:5432/ascendant"),
                        new Properties()))
                .isEqualTo(DatabaseMode.EXTERNAL);
    }

    @Test
    void usesExternalDatabaseWhenSystemPropertyNamesOne() {
        Properties sys = new Properties();
        sys.setProperty("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:5432/x");
        assertThat(DatabaseMode.resolve(Map.of(), sys)).isEqualTo(DatabaseMode.EXTERNAL);
    }

    @Test
    void placesDataDirectoryUnderAscendantHomeByDefault() {
        Properties sys = new Properties();
        sys.setProperty("user.home", "/home/op");
        EmbeddedPostgresSettings settings = EmbeddedPostgresSettings.from(Map.of(), sys);

        assertThat(settings.home()).isEqualTo(Path.of("/home/op/.ascendant"));
        assertThat(settings.dataDir()).isEqualTo(Path.of("/home/op/.ascendant/data/postgres"));
        assertThat(settings.passwordFile()).isEqualTo(Path.of("/home/op/.ascendant/data/postgres.password"));
        assertThat(settings.port()).isEqualTo(15432);
    }

    @Test
    void honoursConfiguredHomeDataDirectoryAndPort() {
        Properties sys = new Properties();
        sys.setProperty("user.home", "/home/op");
        EmbeddedPostgresSettings settings = EmbeddedPostgresSettings.from(
                Map.of(
                        "ASCENDANT_HOME", "/srv/ascendant",
                        "ASCENDANT_POSTGRES_DATA_DIR", "/data/pg",
                        "ASCENDANT_POSTGRES_PORT", "25432"),
                sys);

        assertThat(settings.cacheDir()).isEqualTo(Path.of("/srv/ascendant/cache"));
        assertThat(settings.dataDir()).isEqualTo(Path.of("/data/pg"));
        assertThat(settings.port()).isEqualTo(25432);
    }

    @Test
    void rejectsPortThatIsNotANumberInOneSentence() {
        assertThatThrownBy(() ->
                        EmbeddedPostgresSettings.from(Map.of("ASCENDANT_POSTGRES_PORT", "fifteen"), new Properties()))
                .isInstanceOf(PlatformStartupException.class)
                .hasMessage("ASCENDANT_POSTGRES_PORT must be a port number between 1 and 65535, not 'fifteen'.");
    }
}
