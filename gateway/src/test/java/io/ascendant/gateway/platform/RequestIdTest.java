package io.ascendant.gateway.platform;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.Logger;
import org.junit.jupiter.api.Test;

/** Every request gets an x-request-id, and log lines written while serving it carry that id. */
@QuarkusTest
class RequestIdTest {

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Test
    void echoesAcceptableCallerSuppliedId() {
        given().header("x-request-id", "client-42.retry:1")
                .when()
                .get("/q/health/live")
                .then()
                .statusCode(200)
                .header("x-request-id", equalTo("client-42.retry:1"));
    }

    @Test
    void generatesIdWhenMissing() {
        given().when().get("/q/health/live").then().header("x-request-id", matchesPattern("req_[0-9a-f]{24}"));
    }

    @Test
    void replacesUnacceptableId() {
        given().header("x-request-id", "has spaces and <html>")
                .when()
                .get("/q/health/live")
                .then()
                .header("x-request-id", matchesPattern("req_[0-9a-f]{24}"));
    }

    @Test
    void idIsGivenEvenWhenAuthenticationFails() {
        given().when()
                .get("/admin/api/v1/whoami")
                .then()
                .statusCode(401)
                .header("x-request-id", matchesPattern("req_[0-9a-f]{24}"));
    }

    @Test
    void logLinesOfTheRequestCarryItsId() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record instanceof ExtLogRecord ext && record.getMessage() != null) {
                    seen.add(ext.getFormattedMessage() + " |req=" + ext.getMdc(RequestIdFilter.MDC_KEY));
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger logger = Logger.getLogger(AdminIdentityResource.class.getName());
        logger.addHandler(capture);
        try {
            given().auth()
                    .oauth2(keycloak.accessToken(keycloak.platformAdmin()))
                    .header("x-request-id", "trace-me-123")
                    .when()
                    .get("/admin/api/v1/whoami")
                    .then()
                    .statusCode(200);
        } finally {
            logger.removeHandler(capture);
        }
        assertThat(seen)
                .anySatisfy(line -> assertThat(line).startsWith("whoami:").endsWith("|req=trace-me-123"));
    }
}
