package io.ascendant.gateway.catalogue;

/** The kind of hardware a model-host endpoint runs on; shown to admins and carried into logs and spans. */
public enum Accelerator {
    /** Our pure-Java V4 engine on CPU nodes. */
    CPU,
    /** vllm-ascend (or another vLLM-compatible engine) on Huawei Ascend NPUs. */
    ASCEND;

    /** Parses {@code cpu}/{@code ascend} in any case; null when the text names neither. */
    public static Accelerator parse(String text) {
        if (text == null) {
            return null;
        }
        return switch (text.trim().toUpperCase(java.util.Locale.ROOT)) {
            case "CPU" -> CPU;
            case "ASCEND" -> ASCEND;
            default -> null;
        };
    }
}
