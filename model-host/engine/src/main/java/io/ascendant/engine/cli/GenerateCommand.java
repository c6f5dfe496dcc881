package io.ascendant.engine.cli;

import io.ascendant.engine.model.SequenceState;
import io.ascendant.engine.model.V4Model;
import io.ascendant.engine.sampling.Sampler;
import io.ascendant.engine.sampling.SamplingParams;
import io.ascendant.tokenizer.StreamingDecoder;
import io.ascendant.tokenizer.Tokenizer;
import io.ascendant.tokenizer.chat.ChatEncoder;
import io.ascendant.tokenizer.chat.ChatMessage;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code engine generate}: streams a completion for one prompt and reports prefill and decode speed.
 *
 * <pre>
 * engine generate --model DIR --prompt TEXT [--chat] [--thinking] [--max-tokens N] [--temperature T] [--seed S]
 *                 [--top-p P] [--top-k K]
 * </pre>
 *
 * Without {@code --chat} the prompt is BOS + the encoded text; with it the prompt is the V4 chat encoding of one user
 * message (chat mode, or thinking mode with {@code --thinking}). The tokenizer is {@code DIR/tokenizer.json} when
 * present, else the bundled DeepSeek V4 tokenizer. Generation stops at EOS or after {@code --max-tokens} (default
 * 128). Temperature 0 (the default) is greedy.
 */
public final class GenerateCommand {
    private GenerateCommand() {}

    static final String USAGE =
            "usage: engine generate --model DIR --prompt TEXT [--chat] [--thinking] [--max-tokens N]"
                    + " [--temperature T] [--seed S] [--top-p P] [--top-k K]";

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        CliArgs a;
        SamplingParams params;
        try {
            a = new CliArgs(
                    args,
                    Set.of("--model", "--prompt", "--max-tokens", "--temperature", "--seed", "--top-p", "--top-k"),
                    Set.of("--chat", "--thinking"));
            a.required("--model");
            a.required("--prompt");
            params = new SamplingParams(
                    a.floatValue("--temperature", 0f),
                    a.floatValue("--top-p", 1f),
                    a.intValue("--top-k", 0),
                    0f,
                    a.longValue("--seed", 0L),
                    1f,
                    0f,
                    0f,
                    a.intValue("--max-tokens", 128),
                    null,
                    List.of(),
                    0);
        } catch (CliArgs.UsageException | IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }
        Path dir = Path.of(a.required("--model"));
        String dirProblem = CliArgs.modelDirProblem(dir);
        if (dirProblem != null) {
            err.println(dirProblem);
            return 1;
        }
        try (V4Model model = V4Model.load(dir)) {
            Path tj = dir.resolve("tokenizer.json");
            Tokenizer tok = Files.exists(tj) ? Tokenizer.load(tj) : Tokenizer.deepSeekV4();
            String prompt = a.required("--prompt");
            int[] ids;
            if (a.flag("--chat") || a.flag("--thinking")) {
                ids = new ChatEncoder(tok).encode(List.of(ChatMessage.user(prompt)), List.of(), a.flag("--thinking"));
            } else {
                int[] text = tok.encode(prompt);
                ids = new int[text.length + 1];
                ids[0] = model.config().bosTokenId();
                System.arraycopy(text, 0, ids, 1, text.length);
            }
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] >= model.vocabSize()) {
                    err.printf(
                            "prompt token %d (id %d) is outside this model's vocabulary of %d%n",
                            i, ids[i], model.vocabSize());
                    return 1;
                }
            }
            int eos = model.config().eosTokenId();
            Sampler sampler = new Sampler(params, model.vocabSize(), ids);
            SequenceState state = model.newSequence();
            long t0 = System.nanoTime();
            float[] logits = model.prefill(state, ids);
            long t1 = System.nanoTime();
            StreamingDecoder dec = tok.newStreamingDecoder();
            int generated = 0;
            long decodeNanos = 0;
            while (params.maxTokens() > 0) {
                int next = sampler.next(logits);
                generated++;
                if (next == eos || params.isStopToken(next)) {
                    break;
                }
                if (next < tok.vocabularySize()) {
                    out.print(dec.next(next));
                    out.flush();
                }
                if (generated >= params.maxTokens()) {
                    break;
                }
                long s = System.nanoTime();
                logits = model.decode(state, next);
                decodeNanos += System.nanoTime() - s;
            }
            out.print(dec.finish());
            out.println();
            double prefillSec = (t1 - t0) / 1e9;
            int decodeSteps = Math.max(0, generated - 1);
            err.printf(
                    "prefill: %d tokens in %.3f s (%.1f tokens/s)%n", ids.length, prefillSec, ids.length / prefillSec);
            if (decodeSteps > 0) {
                err.printf(
                        "decode: %d tokens in %.3f s (%.2f tokens/s)%n",
                        decodeSteps, decodeNanos / 1e9, decodeSteps / (decodeNanos / 1e9));
            }
            return 0;
        } catch (RuntimeException e) {
            err.println(e.getMessage());
            return 1;
        }
    }
}
