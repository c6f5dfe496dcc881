package io.ascendant.gateway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** Reading {@code max_model_len} out of a pod's {@code GET /v1/models}, as vLLM and our model host answer it. */
class ModelCardsTest {

    private static long read(String json) {
        return ModelCards.maxModelLen(Buffer.buffer(json));
    }

    @Test
    void readsTheWindowOfVllmsModelCard() {
        assertThat(read("{\"object\":\"list\",\"data\":[{\"id\":\"deepseek-v4-flash\",\"object\":\"model\","
                        + "\"created\":0,\"owned_by\":\"vllm\",\"root\":\"/models/v4\",\"parent\":null,"
                        + "\"max_model_len\":4096,\"permission\":[]}]}"))
                .isEqualTo(4096);
    }

    @Test
    void takesTheSmallestWindowWhenEntriesDiffer() {
        assertThat(read("{\"data\":[{\"id\":\"base\",\"max_model_len\":8192},{\"id\":\"lora\",\"max_model_len\":4096},"
                        + "{\"id\":\"other\"}]}"))
                .isEqualTo(4096);
    }

    @Test
    void reportsNoWindowWhenTheCardHasNone() {
        assertThat(read("{\"object\":\"list\",\"data\":[{\"id\":\"fake\"}]}")).isZero();
        assertThat(read("{\"object\":\"list\",\"data\":[]}")).isZero();
        assertThat(read("{\"object\":\"list\"}")).isZero();
    }

    @Test
    void ignoresWindowsThatAreNotPositiveWholeNumbers() {
        assertThat(read("{\"data\":[{\"max_model_len\":0},{\"max_model_len\":-5},{\"max_model_len\":\"4096\"},"
                        + "{\"max_model_len\":1.5},{\"max_model_len\":null}]}"))
                .isZero();
        assertThat(read("{\"data\":[{\"max_model_len\":2048.0}]}")).isEqualTo(2048);
    }

    @Test
    void reportsNoWindowForABodyThatIsNotAModelList() {
        assertThat(read("not json")).isZero();
        assertThat(read("[1,2]")).isZero();
        assertThat(read("{\"data\":{\"max_model_len\":4096}}")).isZero();
        assertThat(read("")).isZero();
    }
}
