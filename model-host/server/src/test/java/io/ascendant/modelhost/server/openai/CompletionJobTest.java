package io.ascendant.modelhost.server.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.engine.sampling.Sampler;
import io.ascendant.engine.sampling.SamplingParams;
import io.ascendant.modelhost.server.scheduler.FinishReason;
import io.ascendant.modelhost.server.scheduler.Sequence;
import io.ascendant.tokenizer.Tokenizer;
import io.ascendant.tokenizer.chat.ForcedToolCall;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The answer pipeline fed with known token ids: reasoning, content and a tool call in the OpenAI shapes. */
class CompletionJobTest {
    private static final Tokenizer TOKENIZER = Tokenizer.deepSeekV4();
    private static final int EOS = 1;
    private static final String ANSWER = "The user wants weather.</think>Let me check.\n\n<｜DSML｜tool_calls>\n"
            + "<｜DSML｜invoke name=\"get_weather\">\n"
            + "<｜DSML｜parameter name=\"city\" string=\"true\">Paris</｜DSML｜parameter>\n"
            + "</｜DSML｜invoke>\n</｜DSML｜tool_calls>";

    static final class Recorder implements ResponseSink {
        final List<ObjectNode> events = new ArrayList<>();
        boolean done;
        int status;
        ObjectNode body;

        @Override
        public void open() {}

        @Override
        public void event(ObjectNode json) {
            events.add(json);
        }

        @Override
        public void done() {
            done = true;
        }

        @Override
        public void json(int status, ObjectNode body) {
            this.status = status;
            this.body = body;
        }

        @Override
        public boolean started() {
            return !events.isEmpty() || body != null;
        }
    }

    private static Recorder feed(boolean stream, List<String> stops) {
        return feed(stream, stops, TOKENIZER.encode(ANSWER), true, true);
    }

    private static Recorder feed(boolean stream, List<String> stops, int[] ids, boolean thinking, boolean skipSpecial) {
        SamplingParams p = new SamplingParams(0f, 1f, 0, 0f, 0, 1f, 0f, 0f, 100, new int[] {EOS}, stops, 0);
        int[] prompt = {5, 6, 7};
        GenerationRequest req = new GenerationRequest(
                true,
                "deepseek-v4-flash",
                prompt,
                thinking,
                p,
                stream,
                true,
                false,
                false,
                true,
                null,
                List.of(),
                skipSpecial,
                "");
        Recorder sink = new Recorder();
        CompletionJob job = new CompletionJob(req, "rid", TOKENIZER, sink);
        Sequence seq = new Sequence("rid", prompt, new Sampler(p, TOKENIZER.vocabularySize(), prompt), job, 1);
        boolean go = true;
        for (int id : ids) {
            go = job.onToken(new Sampler.Step(id, 0f, null, null), false);
            if (!go) {
                break;
            }
        }
        if (go) {
            job.onToken(new Sampler.Step(EOS, 0f, null, null), true);
        }
        job.onFinish(FinishReason.STOP, seq);
        return sink;
    }

    @Test
    void readsTheAnswerOfAForcedCallAsIfTheModelHadWrittenTheToolCallOpening() {
        SamplingParams p = new SamplingParams(0f, 1f, 0, 0f, 0, 1f, 0f, 0f, 100, new int[] {EOS}, List.of(), 0);
        int[] prompt = {5, 6, 7};
        GenerationRequest req = new GenerationRequest(
                true,
                "deepseek-v4-flash",
                prompt,
                true,
                p,
                false,
                true,
                false,
                false,
                true,
                null,
                List.of(),
                true,
                ForcedToolCall.opening(true, "get_weather"));
        Recorder sink = new Recorder();
        CompletionJob job = new CompletionJob(req, "rid", TOKENIZER, sink);
        Sequence seq = new Sequence("rid", prompt, new Sampler(p, TOKENIZER.vocabularySize(), prompt), job, 1);
        String rest = ANSWER.substring(ANSWER.indexOf("<｜DSML｜parameter"));
        for (int id : TOKENIZER.encode(rest)) {
            job.onToken(new Sampler.Step(id, 0f, null, null), false);
        }
        job.onToken(new Sampler.Step(EOS, 0f, null, null), true);
        job.onFinish(FinishReason.STOP, seq);

        JsonNode choice = sink.body.path("choices").get(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        JsonNode m = choice.path("message");
        assertThat(m.path("content").isNull()).isTrue();
        assertThat(m.path("reasoning_content").asText()).isEmpty();
        JsonNode call = m.path("tool_calls").get(0);
        assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(call.path("function").path("arguments").asText()).isEqualTo("{\"city\": \"Paris\"}");
        assertThat(sink.body
                        .path("usage")
                        .path("completion_tokens_details")
                        .path("reasoning_tokens")
                        .asInt())
                .isZero();
    }

    @Test
    void parsesReasoningContentAndToolCallIntoOneMessage() {
        Recorder r = feed(false, List.of());
        assertThat(r.status).isEqualTo(200);
        JsonNode choice = r.body.path("choices").get(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        JsonNode m = choice.path("message");
        assertThat(m.path("reasoning_content").asText()).isEqualTo("The user wants weather.");
        assertThat(m.path("reasoning").asText()).isEqualTo("The user wants weather.");
        assertThat(m.path("content").asText()).isEqualTo("Let me check.");
        JsonNode call = m.path("tool_calls").get(0);
        assertThat(call.path("type").asText()).isEqualTo("function");
        assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(call.path("function").path("arguments").asText()).isEqualTo("{\"city\": \"Paris\"}");
        int generated = TOKENIZER.encode(ANSWER).length + 1;
        assertThat(r.body.path("usage").path("completion_tokens").asInt()).isEqualTo(generated);
        assertThat(r.body.path("usage")
                        .path("completion_tokens_details")
                        .path("reasoning_tokens")
                        .asInt())
                .isEqualTo(TOKENIZER.encode("The user wants weather.").length);
    }

    @Test
    void streamsDeltasThatNeverShowHalfAMarker() {
        Recorder r = feed(true, List.of());
        assertThat(r.done).isTrue();
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        List<JsonNode> calls = new ArrayList<>();
        String finish = null;
        for (ObjectNode e : r.events) {
            if (e.path("choices").isEmpty()) {
                assertThat(e.path("usage").path("prompt_tokens").asInt()).isEqualTo(3);
                continue;
            }
            JsonNode c = e.path("choices").get(0);
            JsonNode d = c.path("delta");
            reasoning.append(d.path("reasoning_content").asText(""));
            content.append(d.path("content").asText(""));
            d.path("tool_calls").forEach(calls::add);
            assertThat(d.path("content").asText("")
                            + d.path("reasoning_content").asText(""))
                    .doesNotContain("<｜", "</think", "DSML");
            if (!c.path("finish_reason").isNull()) {
                finish = c.path("finish_reason").asText();
            }
        }
        assertThat(reasoning.toString()).isEqualTo("The user wants weather.");
        assertThat(content.toString()).isEqualTo("Let me check.");
        assertThat(calls).hasSize(1);
        assertThat(calls.getFirst().path("index").asInt()).isZero();
        assertThat(calls.getFirst().path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(finish).isEqualTo("tool_calls");
    }

    @Test
    void stopStringEndsTheAnswerBeforeIt() {
        Recorder r = feed(false, List.of("check"));
        JsonNode m = r.body.path("choices").get(0).path("message");
        assertThat(m.path("content").asText()).isEqualTo("Let me ");
        assertThat(m.has("tool_calls")).isFalse();
        assertThat(r.body.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void stopStringInsideTheToolCallBlockGivesTheCallAsWrittenWithFinishReasonStop() {
        Recorder whole = feed(false, List.of("Paris"));
        JsonNode choice = whole.body.path("choices").get(0);
        assertThat(choice.path("finish_reason").asText())
                .as("the engine's reason, the call being cut off")
                .isEqualTo("stop");
        JsonNode m = choice.path("message");
        assertThat(m.path("content").asText()).isEqualTo("Let me check.");
        assertThat(m.path("tool_calls")).hasSize(1);
        JsonNode fn = m.path("tool_calls").get(0).path("function");
        assertThat(fn.path("name").asText()).isEqualTo("get_weather");
        assertThat(fn.path("arguments").asText())
                .as("the cut-off value is left out")
                .isEqualTo("{}");

        Recorder streamed = feed(true, List.of("Paris"));
        List<JsonNode> calls = new ArrayList<>();
        StringBuilder content = new StringBuilder();
        String finish = null;
        for (ObjectNode e : streamed.events) {
            if (e.path("choices").isEmpty()) {
                continue;
            }
            JsonNode c = e.path("choices").get(0);
            assertThat(finish).as("nothing after the finish chunk").isNull();
            content.append(c.path("delta").path("content").asText(""));
            c.path("delta").path("tool_calls").forEach(calls::add);
            if (!c.path("finish_reason").isNull()) {
                finish = c.path("finish_reason").asText();
            }
        }
        assertThat(content.toString()).isEqualTo("Let me check.");
        assertThat(calls).hasSize(1);
        assertThat(calls.getFirst().path("function")).isEqualTo(fn);
        assertThat(finish).isEqualTo("stop");
    }

    @Test
    void specialTokensAreLeftOutOfTheTextUnlessTheClientAsksForThem() {
        int bos = TOKENIZER.tokenId("<｜begin▁of▁sentence｜>").orElseThrow();
        assertThat(TOKENIZER.isSpecial(bos)).isTrue();
        int[] hello = TOKENIZER.encode("Hello");
        int[] world = TOKENIZER.encode(" world");
        int[] ids = new int[hello.length + 1 + world.length];
        System.arraycopy(hello, 0, ids, 0, hello.length);
        ids[hello.length] = bos;
        System.arraycopy(world, 0, ids, hello.length + 1, world.length);

        Recorder skipped = feed(false, List.of(), ids, false, true);
        assertThat(skipped.body
                        .path("choices")
                        .get(0)
                        .path("message")
                        .path("content")
                        .asText())
                .isEqualTo("Hello world");
        // the skipped token was still generated: it is billed
        assertThat(skipped.body.path("usage").path("completion_tokens").asInt()).isEqualTo(ids.length + 1);

        // in a thinking chat the reasoning end (marked special in tokenizer.json) is still read by the parser
        int[] thought = TOKENIZER.encode("Hmm.</think>");
        int[] withThought = new int[thought.length + ids.length];
        System.arraycopy(thought, 0, withThought, 0, thought.length);
        System.arraycopy(ids, 0, withThought, thought.length, ids.length);
        JsonNode message = feed(false, List.of(), withThought, true, true)
                .body
                .path("choices")
                .get(0)
                .path("message");
        assertThat(message.path("reasoning_content").asText()).isEqualTo("Hmm.");
        assertThat(message.path("content").asText()).isEqualTo("Hello world");

        Recorder kept = feed(false, List.of(), ids, false, false);
        assertThat(kept.body
                        .path("choices")
                        .get(0)
                        .path("message")
                        .path("content")
                        .asText())
                .isEqualTo("Hello<｜begin▁of▁sentence｜> world");
    }
}
