package io.ascendant.gateway.platform;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The gateway migrates its database at start and reports health and metrics on the standard endpoints. */
@QuarkusTest
class PlatformHealthTest {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Vertx vertx;

    @Test
    void isReadyOnlyWithDatabaseAndAppliedMigrations() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("schema-migrations"))
                .body("checks.find { it.name == 'schema-migrations' }.data.pending", equalTo(0));
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void appliedFoundationMigrationAtStart() throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT success FROM flyway_schema_history WHERE version = '001'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).isTrue();
        }
    }

    @Test
    void servesPrometheusMetrics() {
        String metrics = given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(metrics).contains("jvm_memory_used_bytes");
        assertThat(metrics)
                .as("per-invocation fault-tolerance metrics stay off (their cost is on every host call)")
                .doesNotContain("ft_invocations_total");
    }

    @Test
    void usesTheEpollTransportOnLinux() {
        assertThat(vertx.isNativeTransportEnabled())
                .as("netty-transport-native-epoll loaded: %s", vertx.unavailableNativeTransportCause())
                .isTrue();
    }
}
