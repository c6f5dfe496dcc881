package io.ascendant.engine.cli;

import io.ascendant.engine.checkpoint.CheckpointException;
import io.ascendant.engine.checkpoint.DType;
import io.ascendant.engine.checkpoint.LoadedCheckpoint;
import io.ascendant.engine.checkpoint.TensorInfo;
import io.ascendant.engine.checkpoint.TensorInventory;
import io.ascendant.engine.config.ModelConfig;
import io.ascendant.engine.kernels.EngineThreads;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code engine inspect --model DIR [--require-mtp]}: validates a checkpoint (config.json against every tensor's
 * presence, dtype and shape) and prints its config, a tensor inventory summary, the bytes of weights one decoded
 * token reads and the KV-cache bytes per token. Exit status 0 when valid, 1 with the one-line problem otherwise, 2 for
 * a bad command line. Reads only headers and small tensors; nothing is computed.
 */
public final class InspectCommand {
    static final String USAGE = "usage: engine inspect --model DIR [--require-mtp]";

    private InspectCommand() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        CliArgs a;
        try {
            a = new CliArgs(args, Set.of("--model"), Set.of("--require-mtp"));
            a.required("--model");
        } catch (CliArgs.UsageException e) {
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
        try (LoadedCheckpoint ck = LoadedCheckpoint.open(dir, EngineThreads.create(1), a.flag("--require-mtp"))) {
            print(ck, out);
            return 0;
        } catch (CheckpointException e) {
            err.println("invalid checkpoint: " + e.getMessage());
            return 1;
        }
    }

    static void print(LoadedCheckpoint ck, PrintStream out) {
        ModelConfig c = ck.config();
        TensorInventory inv = ck.inventory();
        out.printf("checkpoint %s: valid%n", ck.weights().dir());
        out.println("config:");
        out.printf(
                "  vocab %d, hidden %d, layers %d (+%d MTP), heads %d x %d (rope %d), q_lora %d, o_groups %d x %d%n",
                c.vocabSize(),
                c.hiddenSize(),
                c.numLayers(),
                c.numNextnPredictLayers(),
                c.numHeads(),
                c.headDim(),
                c.ropeHeadDim(),
                c.qLoraRank(),
                c.oGroups(),
                c.oLoraRank());
        int window = 0;
        int csa = 0;
        int hca = 0;
        for (int l = 0; l < c.numLayers(); l++) {
            if (c.isCsa(l)) {
                csa++;
            } else if (c.isHca(l)) {
                hca++;
            } else {
                window++;
            }
        }
        out.printf(
                "  attention: window %d; %d window-only, %d CSA (ratio 4, indexer %d x %d, top-%d), %d HCA layers%n",
                c.slidingWindow(), window, csa, c.indexNHeads(), c.indexHeadDim(), c.indexTopk(), hca);
        out.printf("  compress_ratios %s%n", c.compressRatios());
        out.printf(
                "  MoE: %d routed experts (top-%d, %s, scale %.2f, swiglu limit %.1f) + %d shared, inter %d,"
                        + " %d hash layers%n",
                c.nRoutedExperts(),
                c.numExpertsPerTok(),
                c.scoringFunc(),
                c.routedScalingFactor(),
                c.swigluLimit(),
                c.nSharedExperts(),
                c.moeIntermediateSize(),
                c.numHashLayers());
        out.printf(
                "  mHC %d streams, %d Sinkhorn iterations; rope theta %.0f / %.0f%s%n",
                c.hcMult(),
                c.hcSinkhornIters(),
                c.ropeTheta(),
                c.compressRopeTheta(),
                c.ropeScaling().enabled()
                        ? String.format(
                                ", YaRN factor %.0f over %d",
                                c.ropeScaling().factor(), c.ropeScaling().originalMaxPositionEmbeddings())
                        : "");
        out.printf(
                "  weights: %s, experts %s%n",
                c.quantization().fp8()
                        ? "FP8 e4m3 128x128 blocks, " + c.quantization().scaleFmt()
                        : "BF16",
                inv.expertDtype().toUpperCase());
        Map<DType, long[]> byType = new EnumMap<>(DType.class);
        long mtpCount = 0;
        for (TensorInfo t : ck.weights().tensors().values()) {
            long[] acc = byType.computeIfAbsent(t.dtype(), k -> new long[2]);
            acc[0]++;
            acc[1] += t.byteSize();
            if (t.name().startsWith("mtp.")) {
                mtpCount++;
            }
        }
        out.printf(
                "tensors: %d in %d file(s), %.1f MB (%d expected without MTP; %d MTP tensors present)%n",
                ck.weights().names().size(),
                ck.weights().files().size(),
                ck.weights().totalBytes() / 1e6,
                inv.count(false),
                mtpCount);
        for (Map.Entry<DType, long[]> e : byType.entrySet()) {
            out.printf("  %-8s %7d tensors %12.1f MB%n", e.getKey(), e.getValue()[0], e.getValue()[1] / 1e6);
        }
        long active = inv.activeBytesPerToken();
        out.printf(
                "active weights per token: %.1f MB (dense + %d/%d of the routed experts + one embedding row)%n",
                active / 1e6, c.numExpertsPerTok(), c.nRoutedExperts());
        out.printf(
                "KV cache per token: %.1f bytes (bf16, compressed layers); plus %.1f KB fixed window per sequence%n",
                inv.kvBytesPerToken(), inv.windowKvBytes() / 1024.0);
    }
}
