package io.ascendant.admin.problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonSyntaxErrorsTest {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static String describe(String body) {
        JsonProcessingException e = assertThrows(
                JsonProcessingException.class, () -> MAPPER.readTree(body.getBytes(StandardCharsets.UTF_8)));
        return JsonSyntaxErrors.describe(e);
    }

    @Test
    void saysWhatBrokeAndWhereForEachKindOfSyntaxError() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put(
                "{\"a\":1,}",
                "at line 1, column 8: expected a field name in double quotes (a comma must not follow"
                        + " the last member of an object)");
        cases.put("{a:1}", "at line 1, column 2: expected a field name in double quotes");
        cases.put("{\"a\" 1}", "at line 1, column 6: expected ':' after the field name");
        cases.put("{\"a\":1 \"b\":2}", "at line 1, column 8: expected ',' or '}' after a member of an object");
        cases.put("[1 2]", "at line 1, column 4: expected ',' or ']' after an element of an array");
        cases.put("{\"a\":,}", "at line 1, column 6: expected a value");
        cases.put("{\"a\":[1,]}", "at line 1, column 9: expected a value (a comma must not follow the last element)");
        cases.put(
                "{\"a\":tru}",
                "at line 1, column 6: expected a value (a string in double quotes, a number, an array, an object,"
                        + " true, false or null)");
        cases.put(
                "{\"a\":\"x\ny\"}",
                "at line 1, column 8: a control character (such as a line break or tab) inside a string must be"
                        + " escaped");
        cases.put(
                "{\"a\":1]",
                "at line 1, column 7: found ']' where '}' must close the object opened at line 1," + " column 1");
        cases.put("{\"a\":1}}", "at line 1, column 8: found '}' with nothing open to close");
        cases.put("{\"a\":1,\"a\":2}", "at line 1, column 11: field `a` appears more than once");
        cases.put("{\"a\":01}", "at line 1, column 7: a number must not start with 0");
        cases.put("{\"a\":1.}", "at line 1, column 8: a number is malformed");
        cases.put("{\"a\":NaN}", "at line 1, column 9: NaN and Infinity are not JSON numbers");
        cases.put(
                "{\"a\":\"\\x\"}",
                "at line 1, column 8: a string holds an invalid escape sequence (allowed: \\\""
                        + " \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
        cases.put("{\n \"a\":1", "at line 2, column 7: it ends before the object opened at line 1, column 1 is closed");
        cases.put("{\"a\":[", "at line 1, column 7: it ends before the array opened at line 1, column 6 is closed");
        cases.put("{\"a\":\"abc", "at line 1, column 10: it ends inside a string");
        cases.put("{\"a\":", "at line 1, column 6: it ends inside an object");
        cases.put("/* c */{}", "at line 1, column 1: comments are not allowed in JSON");
        cases.put("{\"a\":1}{", "at line 1, column 8: there is more content after the end of the JSON value");
        cases.forEach((body, where) ->
                assertThat(describe(body)).as(body).isEqualTo("The request body is not valid JSON " + where + "."));
    }

    @Test
    void neverRepeatsJacksonWordingOrTheBodysText() {
        for (String body : new String[] {
            "{\"secret\":sk-live-123}", "{\"a\":\"x\u0001\"}", "{\"a\":1 \"sk-live\":2}", "[" + "[".repeat(1100)
        }) {
            String message = describe(body);
            assertThat(message)
                    .startsWith("The request body is not valid JSON")
                    .doesNotContain("code ", "Source", "Unexpected", "Feature", "com.fasterxml", "sk-live", "REDACTED");
        }
        assertThat(describe("[".repeat(1100))).endsWith("it is nested more than 1000 levels deep.");
    }
}
