package io.ascendant.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.gateway.streaming.StreamTranscoder;
import io.ascendant.gateway.upstream.UpstreamExchange;
import io.vertx.core.buffer.Buffer;

/**
 * One tenant-facing API (OpenAI chat, OpenAI completions, Anthropic messages) on top of the hosts' OpenAI API: how
 * a request is validated and translated, and how answers are translated back.
 */
public interface TenantProtocol {

    /** True when errors use Anthropic's shape. */
    boolean anthropicErrors();

    /**
     * Validates the parsed body and translates it for the hosts.
     *
     * @throws io.ascendant.gateway.error.GatewayException for a request the gateway refuses
     */
    PreparedRequest prepare(ObjectNode body, TenantCaller caller);

    /**
     * Translates a complete host answer (non-streamed, or any non-200) into the tenant's body, updating the state's
     * usage counts.
     */
    Buffer respond(RequestState state, UpstreamExchange exchange);

    /** A transcoder for one streamed answer. */
    StreamTranscoder transcoder(RequestState state);
}
