package io.ascendant.admin.problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StrictAdminBodiesTest {

    record Limits(Integer requestsPerMinute, long budgetTokens, BigDecimal budgetAmount, List<Integer> steps) {}

    private final AtomicBoolean strict = new AtomicBoolean(true);
    private ObjectMapper mapper;

    @BeforeEach
    void setUp() {
        mapper = new ObjectMapper();
        new StrictAdminBodies(strict::get).customize(mapper);
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
    void staysLenientOutsideAdminRequests() throws Exception {
        strict.set(false);
        Limits l = mapper.readValue("{\"requestsPerMinute\":1.5,\"budgetTokens\":\"5\"}", Limits.class);
        assertThat(l.requestsPerMinute()).isEqualTo(1);
        assertThat(l.budgetTokens()).isEqualTo(5);
    }
}
