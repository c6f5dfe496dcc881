package io.ascendant.gateway.upstream;

import io.vertx.core.buffer.Buffer;

/**
 * One request to send to a host.
 *
 * @param path host path ({@code /v1/chat/completions} or {@code /v1/completions})
 * @param body the JSON body, already rewritten for the host (upstream model name, {@code stream_options})
 * @param stream true for SSE
 * @param requestId the correlation id (the client's {@code x-request-id}, else the gateway's id), propagated as
 *     {@code x-request-id}
 * @param gatewayRequestId the gateway's own unique id of the request, propagated as {@code x-ascendant-request-id}
 * @param cancellation lets the data path abort the attempt in progress when the tenant's client leaves
 */
public record UpstreamCall(
        String path,
        Buffer body,
        boolean stream,
        String requestId,
        String gatewayRequestId,
        ClientCancellation cancellation) {

    /** A call that is never cancelled by its client and whose two ids are one (health checks, tests). */
    public UpstreamCall(String path, Buffer body, boolean stream, String requestId) {
        this(path, body, stream, requestId, requestId, new ClientCancellation());
    }
}
