package io.ascendant.gateway.datapath;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.specification.RequestSpecification;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.util.Set;

/**
 * Calls to the gateway's Anthropic API ({@code /v1/messages}, {@code /v1/messages/count_tokens}) for data-path tests,
 * as the Anthropic SDK makes them: the key in {@code x-api-key}, {@code anthropic-version: 2023-06-01}, a JSON body.
 *
 * <p>Inject it into the test and call {@link #start()} before each test: it puts the fake hosts and the gateway's pod
 * state back to a known start ({@link DataPathTestSupport#reset()}) and creates a new tenant with one key that may
 * use every model; {@link #request()} then sends as that key. Dependent scope: each test instance has its own, so
 * its key is the test's own.
 */
@Dependent
public class AnthropicRequests {
    /** The {@code anthropic-version} sent: one of the versions Anthropic documents and the gateway serves. */
    public static final String VERSION = "2023-06-01";

    @Inject
    TestKeys keys;

    @Inject
    DataPathTestSupport support;

    private TestKeys.Key key;

    /** Resets the fake hosts and pods and creates the key of a new tenant (all models); returns that key. */
    public TestKeys.Key start() {
        support.reset();
        key = keys.create(Set.of());
        return key;
    }

    /** The key {@link #start()} created. */
    public TestKeys.Key key() {
        if (key == null) {
            throw new IllegalStateException("AnthropicRequests.start() was not called before the test");
        }
        return key;
    }

    /** A request as the key {@link #start()} created: {@code x-api-key}, {@code anthropic-version}, JSON. */
    public RequestSpecification request() {
        return as(key());
    }

    /** A request as {@code key}: {@code x-api-key}, {@code anthropic-version} {@value #VERSION}, JSON. */
    public static RequestSpecification as(TestKeys.Key key) {
        return given().header("x-api-key", key.text())
                .header("anthropic-version", VERSION)
                .contentType("application/json");
    }

    /** {@link #refused(String, String, String)} on {@code /v1/messages}. */
    public void refused(String body, String message) {
        refused("/v1/messages", body, message);
    }

    /**
     * Posts {@code body} to {@code path} as the key {@link #start()} created and checks Anthropic's answer to an
     * invalid request: 400, {@code type} {@code error}, {@code error.type} {@code invalid_request_error} and exactly
     * {@code message}.
     */
    public void refused(String path, String body, String message) {
        request()
                .body(body)
                .when()
                .post(path)
                .then()
                .statusCode(400)
                .body("type", equalTo("error"))
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", equalTo(message));
    }
}
