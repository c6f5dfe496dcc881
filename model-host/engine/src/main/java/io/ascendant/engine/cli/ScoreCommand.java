package io.ascendant.engine.cli;

import io.ascendant.engine.model.SequenceState;
import io.ascendant.engine.model.V4Model;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code engine score}: teacher-forced logits for checking numerical fidelity against the reference.
 *
 * <pre>
 * engine score --model DIR --prompt-ids 1,2,3 --forced-ids 4,5,6 --out FILE.npy
 * engine score --model DIR --batch --prompt-ids A --forced-ids B --out X.npy --prompt-ids C --forced-ids D --out Y.npy
 * </pre>
 *
 * Writes float32 {@code [1 + n_forced, vocab]}: row 0 = the logits at the last prompt position after the prefill
 * (the reference's {@code start_pos = 0} pass), row i = the logits after decoding forced token i through the
 * incremental path. With {@code --batch} the options repeat once per request; each request is prefilled on its own
 * and then all requests decode together, one {@link V4Model#decodeBatch} per step (requests whose forced ids run
 * out leave the batch).
 */
public final class ScoreCommand {
    private ScoreCommand() {}

    static final String USAGE = "usage: engine score --model DIR --prompt-ids 1,2,3 --forced-ids 4,5,6 --out FILE.npy"
            + " [--batch (repeat --prompt-ids/--forced-ids/--out per request)]";

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        CliArgs a;
        try {
            a = new CliArgs(args, Set.of("--model", "--prompt-ids", "--forced-ids", "--out"), Set.of("--batch"));
            a.required("--model");
        } catch (CliArgs.UsageException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }
        List<String> prompts = a.all("--prompt-ids");
        List<String> forced = a.all("--forced-ids");
        List<String> outs = a.all("--out");
        if (prompts.isEmpty() || prompts.size() != outs.size() || forced.size() > prompts.size()) {
            err.println("give one --prompt-ids, optional --forced-ids and one --out per request");
            err.println(USAGE);
            return 2;
        }
        if (prompts.size() > 1 && !a.flag("--batch")) {
            err.println("several requests need --batch");
            return 2;
        }
        List<int[]> promptIds = new ArrayList<>();
        List<int[]> forcedIds = new ArrayList<>();
        try {
            for (int i = 0; i < prompts.size(); i++) {
                promptIds.add(CliArgs.ids("--prompt-ids", prompts.get(i)));
                forcedIds.add(i < forced.size() ? CliArgs.ids("--forced-ids", forced.get(i)) : new int[0]);
                if (promptIds.get(i).length == 0) {
                    throw new CliArgs.UsageException("--prompt-ids of request " + (i + 1) + " is empty");
                }
            }
        } catch (CliArgs.UsageException e) {
            err.println(e.getMessage());
            return 2;
        }
        String dirProblem = CliArgs.modelDirProblem(Path.of(a.required("--model")));
        if (dirProblem != null) {
            err.println(dirProblem);
            return 1;
        }
        try (V4Model model = V4Model.load(Path.of(a.required("--model")))) {
            float[][][] rows = score(model, promptIds, forcedIds);
            for (int i = 0; i < rows.length; i++) {
                NpyWriter.writeFloat32(Path.of(outs.get(i)), rows[i], model.vocabSize());
                out.printf("wrote %s: [%d, %d] float32%n", outs.get(i), rows[i].length, model.vocabSize());
            }
            return 0;
        } catch (IOException e) {
            err.println("cannot write output: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            err.println(e.getMessage());
            return 1;
        }
    }

    /** Row 0 after prefill, row i after forced token i; all requests decode in one batch per step. */
    public static float[][][] score(V4Model model, List<int[]> prompts, List<int[]> forced) {
        int n = prompts.size();
        float[][][] rows = new float[n][][];
        SequenceState[] states = new SequenceState[n];
        int maxForced = 0;
        for (int i = 0; i < n; i++) {
            rows[i] = new float[1 + forced.get(i).length][];
            states[i] = model.newSequence();
            rows[i][0] = model.prefill(states[i], prompts.get(i));
            maxForced = Math.max(maxForced, forced.get(i).length);
        }
        for (int step = 0; step < maxForced; step++) {
            List<SequenceState> batch = new ArrayList<>();
            List<Integer> who = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (step < forced.get(i).length) {
                    batch.add(states[i]);
                    who.add(i);
                }
            }
            int[] tokens = new int[batch.size()];
            for (int b = 0; b < tokens.length; b++) {
                tokens[b] = forced.get(who.get(b))[step];
            }
            float[][] logits = model.decodeBatch(batch, tokens);
            for (int b = 0; b < tokens.length; b++) {
                rows[who.get(b)][step + 1] = logits[b];
            }
        }
        return rows;
    }
}
