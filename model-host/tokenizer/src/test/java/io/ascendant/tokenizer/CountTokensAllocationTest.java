package io.ascendant.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * countTokens allocates per call (scratch space), never per token, once the pieces are in the word cache. Regression:
 * frequent pieces that collided in a direct-mapped cache evicted each other on every call (about 1 byte per token); the
 * cache is two-way set-associative since.
 */
class CountTokensAllocationTest {

    @Test
    void countingDoesNotAllocatePerToken() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Tokenizer tokenizer = Tokenizer.deepSeekV4();
        String text = String.join(" ", TextCorpus.realistic(3L, 60)).repeat(20);
        int tokens = tokenizer.countTokens(text); // fills the word cache
        for (int i = 0; i < 3; i++) {
            tokenizer.countTokens(text);
        }
        long tid = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(tid);
        int counted = tokenizer.countTokens(text);
        long allocated = threads.getThreadAllocatedBytes(tid) - before;

        assertThat(counted).isEqualTo(tokens).isGreaterThan(50_000);
        // Per call: the scratch arrays and a few small objects (under 1 KB measured), whatever the token count.
        assertThat(allocated).as("bytes allocated counting %d tokens", tokens).isLessThan(16_384);
    }
}
