package io.ascendant.gateway.metering;

/**
 * Counts tokens when a host did not report usage (or died before it could). Counts made here are marked
 * {@code countedByGateway} in the usage record.
 */
public interface TokenCounter {

    /** Tokens of {@code text} under the model's tokenizer. */
    long count(String text);
}
