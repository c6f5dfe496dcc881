package io.ascendant.gateway.anthropic;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Tool-call ids between the two APIs. A host names its calls OpenAI's way ({@code call_...}), Anthropic's clients
 * expect {@code toolu_...}: an id a host gave goes out as {@code toolu_} + that id, and comes back (a {@code tool_use}
 * block's {@code id}, a {@code tool_result}'s {@code tool_use_id}) with the prefix removed, so the host gets its own
 * id again. Every id a request carries is mapped the same way, so a {@code tool_result} always still names the
 * {@code tool_use} it answers: an id a client made up without the prefix reaches the host as it is, one with the
 * prefix (as Anthropic's own API gives them) without it.
 */
final class ToolUseIds {
    /** The prefix of Anthropic's tool-use ids. */
    static final String PREFIX = "toolu_";

    private ToolUseIds() {}

    /**
     * The id a client sees for a host's tool call.
     *
     * @param hostId the call's {@code id} as the host sent it (may be missing, null or not text)
     * @param fallback the id to use when the host sent none (already in Anthropic's form)
     */
    static String toClient(JsonNode hostId, String fallback) {
        if (hostId == null || !hostId.isTextual() || hostId.asText().isEmpty()) {
            return fallback;
        }
        return PREFIX + hostId.asText();
    }

    /** The id the host is sent for an id a client sent: without {@link #PREFIX}, unless nothing would be left. */
    static String toHost(String clientId) {
        if (clientId.startsWith(PREFIX) && clientId.length() > PREFIX.length()) {
            return clientId.substring(PREFIX.length());
        }
        return clientId;
    }
}
