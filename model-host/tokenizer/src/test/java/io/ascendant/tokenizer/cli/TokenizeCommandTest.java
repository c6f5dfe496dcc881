package io.ascendant.tokenizer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TokenizeCommandTest {

    private record Result(int status, String out, String err) {}

    private static Result run(String input, String... args) throws Exception {
        StringWriter out = new StringWriter();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = TokenizeCommand.run(
                args, new StringReader(input), out, new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void writesOneIdLinePerTextLineInOrder() throws Exception {
        Result r = run(
                "{\"id\": 1, \"text\": \"Hello, world! 123\\nsecond line\"}\n{\"id\": \"b\", \"text\": \"<think>\"}\n",
                "--tokenizer",
                "deepseek-v4");
        assertThat(r.status()).isZero();
        assertThat(r.out())
                .isEqualTo("{\"id\":1,\"ids\":[19923,14,2058,3,223,6895,201,10930,2562]}\n"
                        + "{\"id\":\"b\",\"ids\":[128821]}\n");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void encodesChatLines() throws Exception {
        Result r = run(
                "{\"id\": 7, \"messages\": [{\"role\": \"system\", \"content\": \"You are a helpful assistant.\"},"
                        + " {\"role\": \"user\", \"content\": \"What is 2+2?\"}], \"thinking\": true}\n",
                "--tokenizer",
                "deepseek-v4",
                "--chat");
        assertThat(r.out())
                .isEqualTo(
                        "{\"id\":7,\"ids\":[0,3476,477,260,11502,22896,16,128803,3085,344,223,20,13,20,33,128804,128821]}\n");
    }

    @Test
    void reportsBadLinesOnStandardErrorWithLineNumbers() throws Exception {
        Result r = run(
                "{\"id\": 1, \"text\": \"a\"}\nnot json\n\n{\"id\": 3}\n{\"id\": 4, \"text\": \"b\"}\n",
                "--tokenizer",
                "deepseek-v4");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out().lines()).hasSize(2);
        assertThat(r.err()).contains("line 2: not valid JSON").contains("line 4: \"text\" must be a string");
    }

    @Test
    void failsClearlyOnAMissingTokenizerFile() throws Exception {
        Result r = run("", "--tokenizer", "/nonexistent/tokenizer.json");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("/nonexistent/tokenizer.json: no such file");
    }
}
