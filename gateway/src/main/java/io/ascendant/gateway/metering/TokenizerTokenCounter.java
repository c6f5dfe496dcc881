package io.ascendant.gateway.metering;

import io.ascendant.tokenizer.Tokenizer;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Counts with the shared DeepSeek V4 tokenizer (contract 4), loaded once per process on a background thread at
 * start-up (loading takes seconds and must never happen on an event loop). Counts plain text: the chat template's
 * special tokens are not added, so a gateway count of a chat prompt is a few tokens lower than the host's. Counting
 * runs on the calling thread (an event loop); it is only needed when a host omits usage or dies mid-stream.
 */
@ApplicationScoped
public class TokenizerTokenCounter implements TokenCounter {
    private volatile Tokenizer tokenizer;

    void preload(@Observes StartupEvent ev) {
        Thread.ofVirtual().name("tokenizer-preload").start(this::tokenizer);
    }

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
