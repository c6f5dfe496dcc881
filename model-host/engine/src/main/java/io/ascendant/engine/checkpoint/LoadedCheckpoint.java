package io.ascendant.engine.checkpoint;

import io.ascendant.engine.config.ConfigException;
import io.ascendant.engine.config.ModelConfig;
import io.ascendant.engine.kernels.EngineThreads;
import java.nio.file.Path;

/**
 * A checkpoint directory opened and validated in one step: {@code config.json} parsed, the safetensors mapped, and
 * every tensor the config implies checked for presence, dtype and shape ({@link TensorInventory#validate}) before
 * anything is computed. This is the entry point for loading a model:
 *
 * <pre>{@code
 * try (LoadedCheckpoint ck = LoadedCheckpoint.open(dir)) {
 *     V4Model model = new V4Model(ck.config(), ck.weights());
 *     ...
 * }
 * }</pre>
 *
 * @param config the parsed {@code config.json}
 * @param weights the mapped tensors (close to unmap)
 * @param inventory the expected tensors, with the routed-expert dtype resolved from the weights
 */
public record LoadedCheckpoint(ModelConfig config, Checkpoint weights, TensorInventory inventory)
        implements AutoCloseable {

    /** Opens {@code dir} with the shared engine threads; MTP tensors are checked when present, not required. */
    public static LoadedCheckpoint open(Path dir) {
        return open(dir, EngineThreads.shared(), false);
    }

    /**
     * Opens and validates {@code dir}.
     *
     * @throws CheckpointException naming the file and the tensor of the first problem (a bad config.json is reported
     *     as a CheckpointException naming config.json)
     */
    public static LoadedCheckpoint open(Path dir, EngineThreads threads, boolean requireMtp) {
        ModelConfig config;
        try {
            config = ModelConfig.load(dir);
        } catch (ConfigException e) {
            throw new CheckpointException(e.getMessage(), e);
        }
        Checkpoint ck = Checkpoint.open(dir, threads);
        try {
            TensorInventory inv = TensorInventory.of(config, ck);
            inv.validate(ck, requireMtp);
            return new LoadedCheckpoint(config, ck, inv);
        } catch (RuntimeException e) {
            ck.close();
            throw e;
        }
    }

    @Override
    public void close() {
        weights.close();
    }
}
