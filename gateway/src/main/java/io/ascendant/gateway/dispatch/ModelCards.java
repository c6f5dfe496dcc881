package io.ascendant.gateway.dispatch;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Reads the context window out of a pod's model card, the answer of {@code GET /v1/models} in vLLM's shape:
 * {@code {"object":"list","data":[{"id":..,"max_model_len":4096,..}]}}. vLLM (and our model host) serve one base model
 * per process, and every entry (LoRA adapters too) carries the same window; when entries differ the smallest counts,
 * so that the gateway never admits a request one of them would refuse.
 */
final class ModelCards {
    private ModelCards() {}

    /**
     * @param body the body of a 200 answer
     * @return the smallest positive whole {@code max_model_len} among {@code data}'s entries, in tokens; 0 when no
     *     entry has one or the body is not such a list
     */
    static long maxModelLen(Buffer body) {
        JsonArray data;
        try {
            data = new JsonObject(body).getJsonArray("data");
        } catch (RuntimeException e) {
            return 0; // not a JSON object, or data is not an array: the card reports no window
        }
        if (data == null) {
            return 0;
        }
        long smallest = 0;
        for (Object entry : data) {
            if (entry instanceof JsonObject model && model.getValue("max_model_len") instanceof Number n) {
                double v = n.doubleValue();
                if (v >= 1 && v == Math.rint(v) && v <= Long.MAX_VALUE) {
                    long len = (long) v;
                    smallest = smallest == 0 ? len : Math.min(smallest, len);
                }
            }
        }
        return smallest;
    }
}
