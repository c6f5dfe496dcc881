package io.ascendant.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A stream's output counted at its checkpoints with running counts ({@link RunningTokenCount}, {@link
 * UsageCounts#countWith(TokenCounter, long, UsageCounts.OutputTally)}) gives, at every checkpoint, the count of the whole
 * output so far at once, for random chunkings of a long text in several scripts with code, numbers, emoji and newlines
 * (chunks may end inside a surrogate pair); and each checkpoint tokenizes only about the output since the previous one.
 */
class RunningTokenCountTest {
    private static final TokenizerTokenCounter TOKENIZER = new TokenizerTokenCounter();

    private static final List<String> PARAGRAPHS = List.of(
            "The gateway meters every token into a durable ledger; a crash bills what was already relayed.\n\n",
            "我们的网关为每个租户计量令牌，并在崩溃后从最后一个检查点恢复计费。模型主机运行纯 Java 引擎。\n",
            "ゲートウェイはストリームの使用量を毎秒ジャーナルに記録します。カタカナとひらがな、漢字の混在。\n",
            "Шлюз учитывает каждый токен; счёт выставляется по последней контрольной точке.\n",
            "البوابة تحسب كل رمز وتكتب الاستخدام في السجل كل ثانية.\n",
            "Emoji: 👩‍👩‍👧‍👦 🇩🇪 1️⃣ 😀😀 and math 𝐀𝐁𝐂 outside the BMP.\n",
            """
            public final class Example {
                private static final int LIMIT = 16 * 1024 * 1024;

                long count(String text) {
                    if (text == null || text.isEmpty()) {
                        return 0;
                    }
                    return text.codePoints().filter(Character::isLetter).count(); // ≈ 3.57 M/s
                }
            }
            """,
            """
            def tally(rows):
                total = 0
                for row in rows:\t# tabs, too
                    total += row["tokens"]  # 12345678901234567890
                return total\r
            """,
            "| model | price/1M | tokens |\n|---|---:|---:|\n| deepseek-v4-flash | 0.28 | 100000 |\n",
            "{\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":345},\"text\":\"a\\nb\"}   \n\n\n   trailing",
            "e\u0301te\u0301 nai\u0308ve co\u00f6perate — “quotes” «guillemets» …ellipsis\u00a0nbsp\u3000wide space ");

    /** About 30,000 chars: the paragraphs, shuffled, several times over. */
    private static String longText(SplittableRandom random) {
        StringBuilder sb = new StringBuilder();
        List<String> order = new ArrayList<>(PARAGRAPHS);
        while (sb.length() < 30_000) {
            Collections.shuffle(order, new Random(random.nextLong()));
            order.forEach(sb::append);
        }
        return sb.toString();
    }

    /** A counter that adds up the chars it tokenizes. */
    private static final class Metered implements TokenCounter {
        long charsCounted;

        @Override
        public long count(String text) {
            charsCounted += text.length();
            return TOKENIZER.count(text);
        }

        @Override
        public int lastCut(CharSequence text, int from) {
            return TOKENIZER.lastCut(text, from);
        }
    }

    @Test
    void runningCountEqualsTheWholeCountAtEveryCheckpointOfRandomChunkings() {
        for (long seed = 1; seed <= 6; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            String text = longText(random);
            Metered metered = new Metered();
            RunningTokenCount running = new RunningTokenCount();
            StringBuilder relayed = new StringBuilder();
            int checkpoints = 0;
            int maxChunk = seed % 2 == 0 ? 8 : 200;
            int maxChunks = seed % 2 == 0 ? 60 : 12;
            int at = 0;
            while (at < text.length()) {
                for (int chunks = 1 + random.nextInt(maxChunks); chunks > 0 && at < text.length(); chunks--) {
                    int next = Math.min(text.length(), at + 1 + random.nextInt(maxChunk));
                    relayed.append(text, at, next);
                    at = next;
                }
                assertThat(running.count(metered, relayed))
                        .as("seed %d, checkpoint %d at char %d", seed, checkpoints, relayed.length())
                        .isEqualTo(TOKENIZER.count(relayed.toString()));
                checkpoints++;
            }
            assertThat(checkpoints).isGreaterThan(30);
            // Counting the whole output at each checkpoint would tokenize about checkpoints / 2 times the text.
            assertThat(metered.charsCounted)
                    .as("chars tokenized over %d checkpoints of %d chars", checkpoints, text.length())
                    .isLessThan(2L * text.length());
        }
    }

    @Test
    void checkpointCountsWithTheStreamsRunningCountsEqualTheFinalCounting() {
        SplittableRandom random = new SplittableRandom(7);
        String reasoning = longText(random).substring(0, 10_000);
        String answer = longText(random);
        UsageCounts stream = new UsageCounts();
        UsageCounts.OutputTally tally = new UsageCounts.OutputTally();
        int r = 0;
        int a = 0;
        while (r < reasoning.length() || a < answer.length()) {
            for (int chunks = 1 + random.nextInt(20); chunks > 0; chunks--) {
                if (r < reasoning.length()) {
                    int next = Math.min(reasoning.length(), r + 1 + random.nextInt(40));
                    stream.reasoning(reasoning.substring(r, next));
                    r = next;
                } else if (a < answer.length()) {
                    int next = Math.min(answer.length(), a + 1 + random.nextInt(40));
                    stream.content(answer.substring(a, next));
                    a = next;
                }
            }
            UsageCounts checkpoint = stream.copy();
            checkpoint.countWith(TOKENIZER, 42, tally);
            UsageCounts whole = stream.copy();
            whole.countWith(TOKENIZER, 42);
            assertThat(checkpoint.reasoningTokens()).isEqualTo(whole.reasoningTokens());
            assertThat(checkpoint.completionTokens()).isEqualTo(whole.completionTokens());
            assertThat(checkpoint.promptTokens()).isEqualTo(42);
        }
    }
}
