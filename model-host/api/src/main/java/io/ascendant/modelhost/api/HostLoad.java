package io.ascendant.modelhost.api;

/**
 * One sample of a host's load, as read from its Prometheus {@link HostContract#METRICS} endpoint.
 *
 * @param running sequences in a prefill or decode step ({@link HostContract#METRIC_REQUESTS_RUNNING}), summed over
 *     all label sets; -1 when the host did not export the gauge
 * @param waiting sequences queued for a batch slot ({@link HostContract#METRIC_REQUESTS_WAITING}); -1 when absent
 * @param kvCacheUsage fraction 0..1 of the KV cache in use ({@link HostContract#METRIC_KV_CACHE_USAGE}), the maximum
 *     over label sets; -1 when absent
 */
public record HostLoad(double running, double waiting, double kvCacheUsage) {

    /** True when all three gauges were present in the scrape. */
    public boolean complete() {
        return running >= 0 && waiting >= 0 && kvCacheUsage >= 0;
    }

    /**
     * Reads the three gauges from a Prometheus text exposition (version 0.0.4). Comment lines, other metrics and
     * malformed lines are ignored; a gauge exported with several label sets (one per served model) is summed, the KV
     * usage is the maximum.
     *
     * @param text the body of {@code GET /metrics}
     * @return the sample; gauges the text lacks are -1
     */
    public static HostLoad parsePrometheus(CharSequence text) {
        double running = -1;
        double waiting = -1;
        double kv = -1;
        int len = text.length();
        int lineStart = 0;
        while (lineStart < len) {
            int lineEnd = lineStart;
            while (lineEnd < len && text.charAt(lineEnd) != '\n') {
                lineEnd++;
            }
            if (lineEnd > lineStart && text.charAt(lineStart) == 'v') {
                String line = text.subSequence(lineStart, lineEnd).toString().trim();
                double value;
                if (line.startsWith(HostContract.METRIC_REQUESTS_RUNNING)
                        && !Double.isNaN(value = valueOf(line, HostContract.METRIC_REQUESTS_RUNNING))) {
                    running = Math.max(running, 0) + value;
                } else if (line.startsWith(HostContract.METRIC_REQUESTS_WAITING)
                        && !Double.isNaN(value = valueOf(line, HostContract.METRIC_REQUESTS_WAITING))) {
                    waiting = Math.max(waiting, 0) + value;
                } else if (line.startsWith(HostContract.METRIC_KV_CACHE_USAGE)
                        && !Double.isNaN(value = valueOf(line, HostContract.METRIC_KV_CACHE_USAGE))) {
                    kv = Math.max(kv, value);
                }
            }
            lineStart = lineEnd + 1;
        }
        return new HostLoad(running, waiting, kv);
    }

    /** The sample value of {@code name{labels} value [timestamp]}, or NaN if the line is another metric or broken. */
    private static double valueOf(String line, String name) {
        int i = name.length();
        if (i < line.length() && line.charAt(i) == '{') {
            int close = line.indexOf('}', i);
            if (close < 0) {
                return Double.NaN;
            }
            i = close + 1;
        } else if (i >= line.length() || line.charAt(i) != ' ') {
            return Double.NaN; // a longer metric name sharing the prefix
        }
        String rest = line.substring(i).trim();
        int space = rest.indexOf(' ');
        String number = space < 0 ? rest : rest.substring(0, space);
        try {
            return Double.parseDouble(number);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
