package io.ascendant.gateway.upstream;

import io.ascendant.gateway.dispatch.Pod;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;

/**
 * An opened upstream exchange: the host answered and the first forwardable bytes are here.
 *
 * <p>For a non-streamed answer or an error status, {@link #body()} holds the whole body and {@link #response()} is
 * null. For a 200 stream, {@link #body()} holds the first chunk, {@link #response()} holds what follows until the
 * caller attaches to it, and the caller resets {@link #request()} to cancel.
 *
 * @param pod the pod that answered
 * @param status HTTP status
 * @param headers response headers
 * @param body full body, or first chunk of a stream
 * @param request the request (for cancellation), or null when complete
 * @param response the rest of the stream, or null when complete
 * @param ended true when the stream already ended with the first chunk
 */
public record UpstreamExchange(
        Pod pod,
        int status,
        MultiMap headers,
        Buffer body,
        HttpClientRequest request,
        StreamTap response,
        boolean ended) {

    /** True when more stream data is to come from {@link #response()}. */
    public boolean streaming() {
        return response != null && !ended;
    }
}
