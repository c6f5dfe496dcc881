package io.ascendant.modelhost.server.scheduler;

/** Why a sequence stopped, with the OpenAI {@code finish_reason} it maps to. */
public enum FinishReason {
    /** EOS, a stop id or a stop string. */
    STOP("stop"),
    /** {@code max_tokens} reached. */
    LENGTH("length"),
    /** Client disconnected, or cut at the end of the drain grace. */
    ABORT("abort"),
    /** The engine failed during a step. */
    ERROR("error");

    private final String openAi;

    FinishReason(String openAi) {
        this.openAi = openAi;
    }

    /** The {@code finish_reason} string. */
    public String openAi() {
        return openAi;
    }
}
