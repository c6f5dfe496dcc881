package io.ascendant.modelhost.server.metrics;

/** A cumulative Prometheus histogram (seconds), thread-safe by a lock: updates are a few per token at most. */
final class Histogram {
    private final double[] bounds;
    private final long[] counts;
    private double sum;
    private long count;

    Histogram(double... bounds) {
        this.bounds = bounds.clone();
        this.counts = new long[bounds.length];
    }

    synchronized void observe(double value) {
        for (int i = 0; i < bounds.length; i++) {
            if (value <= bounds[i]) {
                counts[i]++;
            }
        }
        sum += value;
        count++;
    }

    synchronized long count() {
        return count;
    }

    /** Appends {@code name_bucket}, {@code name_sum}, {@code name_count} lines with the given label set. */
    synchronized void write(StringBuilder out, String name, String labels) {
        out.append("# TYPE ").append(name).append(" histogram\n");
        for (int i = 0; i < bounds.length; i++) {
            out.append(name)
                    .append("_bucket{")
                    .append(labels)
                    .append(",le=\"")
                    .append(bounds[i])
                    .append("\"} ")
                    .append(counts[i])
                    .append('\n');
        }
        out.append(name)
                .append("_bucket{")
                .append(labels)
                .append(",le=\"+Inf\"} ")
                .append(count)
                .append('\n');
        out.append(name).append("_sum{").append(labels).append("} ").append(sum).append('\n');
        out.append(name)
                .append("_count{")
                .append(labels)
                .append("} ")
                .append(count)
                .append('\n');
    }
}
