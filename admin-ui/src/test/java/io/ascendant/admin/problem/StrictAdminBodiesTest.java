package io.ascendant.admin.problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StrictAdminBodiesTest {

    record Limits(Integer requestsPerMinute, long budgetTokens, BigDecimal budgetAmount, List<Integer> steps) {}

    record Bounded(
            @PositiveOrZero @Max(10_000_000) Integer perMinute,
            @Positive Long tokens,
            Short plain) {}

    record Named(String displayName, List<String> models, Boolean enabled, Instant expiresAt, UUID id) {}

    enum Period {
        DAY,
        MONTH
    }

    record Periodic(Period period) {}

    private final AtomicBoolean strict = new AtomicBoolean(true);
    private ObjectMapper mapper;

    @BeforeEach
    void setUp() {
        mapper = new ObjectMapper().registerModule(new JavaTimeModule());
        new StrictAdminBodies(strict::get).customize(mapper);
    }

    @Test
    void refusesADuplicateKeyInABodyAndInNestedObjects() {
        com.fasterxml.jackson.core.JsonParseException top = assertThrows(
                com.fasterxml.jackson.core.JsonParseException.class,
                () -> mapper.readValue("{\"displayName\":\"a\",\"displayName\":\"b\"}", Named.class));
        assertThat(JsonSyntaxErrors.duplicateField(top)).isEqualTo("displayName");
        assertThat(JsonSyntaxErrors.describe(top)).contains("field `displayName` appears more than once");
        com.fasterxml.jackson.core.JsonParseException nested = assertThrows(
                com.fasterxml.jackson.core.JsonParseException.class,
                () -> mapper.readValue("{\"m\":{\"k\":1,\"k\":2}}", Map.class));
        assertThat(JsonSyntaxErrors.duplicateField(nested)).isEqualTo("k");
    }

    @Test
    void acceptsDuplicateKeysOutsideAdminRequests() throws Exception {
        strict.set(false);

        assertThat(mapper.readValue("{\"displayName\":\"a\",\"displayName\":\"b\"}", Named.class)
                        .displayName())
                .isEqualTo("b");
    }

    @Test
    void refusesFractionalStringAndBooleanIntegersNamingTheField() {
        for (String value : List.of("1.5", "\"5\"", "true", "1e3")) {
            MismatchedInputException e = assertThrows(
                    MismatchedInputException.class,
                    () -> mapper.readValue("{\"requestsPerMinute\":" + value + ",\"budgetTokens\":1}", Limits.class));
            assertThat(e.getPath()).extracting(r -> r.getFieldName()).containsExactly("requestsPerMinute");
        }
        MismatchedInputException primitive = assertThrows(
                MismatchedInputException.class, () -> mapper.readValue("{\"budgetTokens\":2.0}", Limits.class));
        assertThat(primitive.getPath()).extracting(r -> r.getFieldName()).containsExactly("budgetTokens");
        MismatchedInputException element = assertThrows(
                MismatchedInputException.class, () -> mapper.readValue("{\"steps\":[1,2.5]}", Limits.class));
        assertThat(element.getPath()).extracting(r -> r.getFieldName()).containsExactly("steps", null);
    }

    @Test
    void acceptsIntegersNullsAndFractionalMoney() throws Exception {
        Limits l = mapper.readValue(
                "{\"requestsPerMinute\":null,\"budgetTokens\":7,\"budgetAmount\":1.5,\"steps\":[1,2]}", Limits.class);
        assertThat(l).isEqualTo(new Limits(null, 7, new BigDecimal("1.5"), List.of(1, 2)));
    }

    @Test
    void moneyTakesANumberOrADecimalStringExactlyButACountOnlyAJsonInteger() throws Exception {
        assertThat(mapper.readValue("{\"budgetTokens\":100,\"budgetAmount\":\"12.50\"}", Limits.class)
                        .budgetAmount())
                .isEqualTo(new BigDecimal("12.50"));
        assertThat(mapper.readValue("{\"budgetTokens\":100,\"budgetAmount\":0.1}", Limits.class)
                        .budgetAmount())
                .isEqualTo(new BigDecimal("0.1"));

        MismatchedInputException quoted = assertThrows(
                MismatchedInputException.class, () -> mapper.readValue("{\"budgetTokens\":\"100\"}", Limits.class));
        assertThat(quoted.getPath()).extracting(r -> r.getFieldName()).containsExactly("budgetTokens");
        assertThat(quoted.getOriginalMessage())
                .isEqualTo("expected a whole number written as a JSON integer (100, not \"100\"), got a string (only"
                        + " money amounts are accepted as decimal strings)");
    }

    @Test
    void refusesIntegersBeyondTheTypeNamingTheDeclaredBounds() {
        Map<String, String> refused = Map.of(
                "{\"perMinute\":99999999999999999999}", "expected an integer between 0 and 10000000",
                "{\"perMinute\":3000000000}", "expected an integer between 0 and 10000000",
                "{\"tokens\":9223372036854775808}", "expected an integer between 1 and 9223372036854775807",
                "{\"plain\":40000}", "expected an integer between -32768 and 32767");
        refused.forEach((json, message) -> {
            MismatchedInputException e =
                    assertThrows(MismatchedInputException.class, () -> mapper.readValue(json, Bounded.class));
            assertThat(e.getOriginalMessage()).isEqualTo(message);
            assertThat(e.getPath()).hasSize(1);
        });
    }

    @Test
    void refusesAWholeNumberWithAnExponentBeyondTheTypeAsOutOfRangeNotFractional() {
        Map<String, String> refused = Map.of(
                "{\"tokens\":1e30}",
                        "expected an integer between 1 and 9223372036854775807, got 1E+30, which is out of range",
                "{\"perMinute\":3e9}", "expected an integer between 0 and 10000000, got 3E+9, which is out of range",
                "{\"plain\":-4.0e4}", "expected an integer between -32768 and 32767, got -4E+4, which is out of range",
                "{\"tokens\":1.5}", "expected a whole number, got 1.5",
                "{\"tokens\":2.0}", "expected a whole number written as a JSON integer (2, not 2.0), got 2.0",
                "{\"perMinute\":1e3}", "expected a whole number written as a JSON integer (1000, not 1e3), got 1e3",
                "{\"plain\":-0.0}", "expected a whole number written as a JSON integer (0, not -0.0), got -0.0");
        refused.forEach((json, message) -> {
            MismatchedInputException e =
                    assertThrows(MismatchedInputException.class, () -> mapper.readValue(json, Bounded.class));
            assertThat(e.getOriginalMessage()).as(json).isEqualTo(message);
            assertThat(e.getPath()).hasSize(1);
        });
    }

    @Test
    void acceptsIntegersWithinTheTypeLeavingDeclaredBoundsToBeanValidation() throws Exception {
        assertThat(mapper.readValue("{\"perMinute\":20000000,\"tokens\":0}", Bounded.class))
                .isEqualTo(new Bounded(20_000_000, 0L, null));
    }

    @Test
    void refusesOtherJsonTypesInStringBooleanAndInstantFields() {
        Map<String, String> refused = Map.of(
                "{\"displayName\":5}", "expected a string, got a number",
                "{\"displayName\":false}", "expected a string, got a boolean",
                "{\"displayName\":[\"a\"]}", "expected a string, got an array",
                "{\"models\":[\"a\",1.5]}", "expected a string, got a fractional number",
                "{\"enabled\":1}", "expected true or false, got a number",
                "{\"enabled\":\"true\"}", "expected true or false, got a string",
                "{\"expiresAt\":1893456000}", "expected an ISO-8601 instant such as 2027-01-01T00:00:00Z, got a number",
                "{\"id\":7}", "expected a UUID, got a number");
        refused.forEach((json, message) -> {
            MismatchedInputException e =
                    assertThrows(MismatchedInputException.class, () -> mapper.readValue(json, Named.class));
            assertThat(e.getOriginalMessage()).as(json).isEqualTo(message);
        });
    }

    @Test
    void refusesAnInstantOutsideTheYears1970To9999NamingTheRange() throws Exception {
        Map<String, String> refused = Map.of(
                "{\"expiresAt\":\"+999999999-12-31T23:59:59Z\"}",
                        "expected an instant between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z, got one in the"
                                + " year 999999999",
                "{\"expiresAt\":\"+10000-01-01T00:00:00Z\"}",
                        "expected an instant between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z, got one in the"
                                + " year 10000",
                "{\"expiresAt\":\"9999-12-31T23:59:59.9999995Z\"}",
                        "expected an instant between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z, got one in the"
                                + " year 10000",
                "{\"expiresAt\":\"1969-12-31T23:59:59.999Z\"}",
                        "expected an instant between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z, got one in the"
                                + " year 1969");
        refused.forEach((json, message) -> {
            MismatchedInputException e =
                    assertThrows(MismatchedInputException.class, () -> mapper.readValue(json, Named.class));
            assertThat(e.getOriginalMessage()).as(json).isEqualTo(message);
            assertThat(e.getPath()).extracting(r -> r.getFieldName()).containsExactly("expiresAt");
        });
        for (String edge : List.of("1970-01-01T00:00:00Z", "9999-12-31T23:59:59.9999994Z")) {
            assertThat(mapper.readValue("{\"expiresAt\":\"" + edge + "\"}", Named.class)
                            .expiresAt())
                    .isEqualTo(Instant.parse(edge));
        }
        strict.set(false);
        assertThat(mapper.readValue("{\"expiresAt\":\"+10000-01-01T00:00:00Z\"}", Named.class)
                        .expiresAt())
                .isEqualTo(Instant.parse("+10000-01-01T00:00:00Z"));
    }

    @Test
    void refusesAnInstantWrittenAsANumberInAString() throws Exception {
        for (String value : List.of("\"1796124188\"", "\"1796124188.5\"", "\" -5 \"")) {
            MismatchedInputException e = assertThrows(
                    MismatchedInputException.class,
                    () -> mapper.readValue("{\"expiresAt\":" + value + "}", Named.class));
            assertThat(e.getOriginalMessage())
                    .as(value)
                    .isEqualTo("expected an ISO-8601 instant such as 2027-01-01T00:00:00Z, got a number in a string");
            assertThat(e.getPath()).extracting(r -> r.getFieldName()).containsExactly("expiresAt");
        }
        strict.set(false);
        assertThat(mapper.readValue("{\"expiresAt\":\"1796124188\"}", Named.class)
                        .expiresAt())
                .isEqualTo(Instant.ofEpochSecond(1796124188));
    }

    @Test
    void refusesAnEnumOrdinalButAcceptsTheConstantsName() throws Exception {
        MismatchedInputException e =
                assertThrows(MismatchedInputException.class, () -> mapper.readValue("{\"period\":1}", Periodic.class));
        assertThat(e.getOriginalMessage()).isEqualTo("expected one of [DAY, MONTH], got a number");
        assertThat(mapper.readValue("{\"period\":\"MONTH\"}", Periodic.class)).isEqualTo(new Periodic(Period.MONTH));
        strict.set(false);
        assertThat(mapper.readValue("{\"period\":1}", Periodic.class)).isEqualTo(new Periodic(Period.MONTH));
    }

    @Test
    void acceptsStringsBooleansInstantsAndNulls() throws Exception {
        UUID id = UUID.randomUUID();
        Named n = mapper.readValue(
                "{\"displayName\":\"Acme\",\"models\":[\"m\",null],\"enabled\":true,"
                        + "\"expiresAt\":\"2027-01-01T00:00:00Z\",\"id\":\"" + id + "\"}",
                Named.class);
        assertThat(n.displayName()).isEqualTo("Acme");
        assertThat(n.models()).containsExactly("m", null);
        assertThat(n.expiresAt()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(n.id()).isEqualTo(id);
        assertThat(mapper.readValue("{\"displayName\":null,\"enabled\":null}", Named.class))
                .isEqualTo(new Named(null, null, null, null, null));
    }

    @Test
    void staysLenientOutsideAdminRequests() throws Exception {
        strict.set(false);
        Limits l = mapper.readValue("{\"requestsPerMinute\":1.5,\"budgetTokens\":\"5\"}", Limits.class);
        assertThat(l.requestsPerMinute()).isEqualTo(1);
        assertThat(l.budgetTokens()).isEqualTo(5);
        assertThat(mapper.readValue("{\"displayName\":5,\"enabled\":1}", Named.class))
                .isEqualTo(new Named("5", null, true, null, null));
    }
}
