package io.ascendant.gateway.metering;

import io.ascendant.tokenizer.Tokenizer;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Counts with the shared DeepSeek V4 tokenizer (contract 4), loaded on first use (once per process). Counts plain
 * text: the chat template's special tokens are not added, so a gateway count of a chat prompt is a few tokens lower
 * than the host's. Runs on the calling thread (an event loop); it is only needed when a host omits usage.
 */
@ApplicationScoped
public class TokenizerTokenCounter implements TokenCounter {
    private volatile Tokenizer tokenizer;

    @Override
    public long count(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        return tokenizer().countTokens(text);
    }

    private Tokenizer tokenizer() {
        Tokenizer t = tokenizer;
        if (t == null) {
            synchronized (this) {
                t = tokenizer;
                if (t == null) {
                    t = Tokenizer.deepSeekV4();
                    tokenizer = t;
                }
            }
        }
        return t;
    }
}
