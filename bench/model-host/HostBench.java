import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Load generator for one model host (greedy chats, {@code ignore_eos}, streamed with a usage chunk):
 *
 * <ul>
 *   <li>{@code java HostBench.java BASE streams N maxTokens [words]}: N concurrent streamed chats (distinct prompts of
 *       about {@code words} words, default 30) after one warm-up; prints aggregate output tok/s (first request sent to
 *       last answer done), TTFT p50/p99, per-stream decode tok/s p50 ((tokens − 1) / (end − first token), which
 *       includes steps where the host also prefilled other streams' prompts) and the aggregate decode tok/s while all
 *       N streams were decoding (content chunks between the last stream's first chunk and the first stream's last
 *       one, scaled per stream by its tokens per chunk): the batched-decode figure.
 *   <li>{@code java HostBench.java BASE prefix N maxTokens [OFF_BASE [words]]}: N sequential chats sharing a 90 %
 *       prompt prefix ({@code words} words in all, default 1,000) after one warm-up request with the same prefix,
 *       TTFT p50/p99; with {@code OFF_BASE} the same against a host with the cache (BASE) and one without, request by
 *       request in turn (the host without the cache is warmed up with a short prompt), and the ratio of the p50s.
 *   <li>{@code java HostBench.java BASE decode N maxTokens [PID]}: N sequential single streams (after two warm-up
 *       ones) and the p50 ms per generated token after the first; with the host's process id also the host process's
 *       CPU time per generated token (all its threads).
 * </ul>
 */
public class HostBench {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    /** One answer: TTFT, total time, completion tokens, and the System.nanoTime() of every content chunk. */
    record Result(double ttftMs, double totalMs, int completionTokens, long[] chunkNanos) {}

    static Result chat(String base, String content, int maxTokens) throws Exception {
        String body = "{\"model\":\"deepseek-v4-flash\",\"messages\":[{\"role\":\"user\",\"content\":"
                + quote(content) + "}],\"max_tokens\":" + maxTokens
                + ",\"temperature\":0,\"ignore_eos\":true,\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
        long t0 = System.nanoTime();
        HttpResponse<java.io.InputStream> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("status " + r.statusCode());
        }
        double ttft = -1;
        int tokens = 0;
        long[] chunks = new long[maxTokens + 1];
        int nChunks = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body()))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.contains("\"content\":\"") && !line.contains("\"content\":\"\"")) {
                    long now = System.nanoTime();
                    if (ttft < 0) {
                        ttft = (now - t0) / 1e6;
                    }
                    if (nChunks < chunks.length) {
                        chunks[nChunks++] = now;
                    }
                }
                int u = line.indexOf("\"completion_tokens\":");
                if (u >= 0) {
                    tokens = Integer.parseInt(line.substring(u + 20).split("[,}]")[0]);
                }
            }
        }
        double total = (System.nanoTime() - t0) / 1e6;
        return new Result(ttft < 0 ? total : ttft, total, tokens, java.util.Arrays.copyOf(chunks, nChunks));
    }

    /** CPU time (user + system, all threads) of a Linux process so far, from /proc/PID/stat (clock ticks of 10 ms). */
    static double cpuMs(long pid) throws java.io.IOException {
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10.0; // utime, stime (fields 14, 15)
    }

    /** A counter's value from the host's /metrics (the first sample of that name). */
    static double metric(String base, String name) throws Exception {
        String body = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (String line : body.split("\n")) {
            if (line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new IllegalStateException(name + " not on " + base + "/metrics");
    }

    /**
     * Aggregate decode tok/s while every stream was decoding: the window from the last stream's first content chunk
     * to the first stream's last one; each stream's chunks inside it are scaled by its (tokens − 1) / (chunks − 1),
     * since a chunk can carry zero or several tokens' text. "n/a" when the streams never all decoded together.
     */
    static String allDecoding(List<Result> rs) {
        long start = Long.MIN_VALUE;
        long end = Long.MAX_VALUE;
        for (Result r : rs) {
            if (r.chunkNanos().length < 2) {
                return "n/a";
            }
            start = Math.max(start, r.chunkNanos()[0]);
            end = Math.min(end, r.chunkNanos()[r.chunkNanos().length - 1]);
        }
        if (end <= start) {
            return "n/a";
        }
        double tokens = 0;
        for (Result r : rs) {
            long[] c = r.chunkNanos();
            int in = 0;
            for (long t : c) {
                if (t > start && t <= end) {
                    in++;
                }
            }
            tokens += in * (r.completionTokens() - 1.0) / (c.length - 1);
        }
        return String.format("%.2f (window %.1f s)", tokens / ((end - start) / 1e9), (end - start) / 1e9);
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static double pct(List<Double> xs, double p) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(p * s.size()) - 1));
    }

    static String words(int seed, int n) {
        StringBuilder b = new StringBuilder();
        java.util.Random r = new java.util.Random(seed);
        String[] w = {"alpha", "river", "stone", "cloud", "market", "engine", "garden", "signal", "paper", "orbit"};
        for (int i = 0; i < n; i++) {
            b.append(w[r.nextInt(w.length)]).append(' ');
        }
        return b.toString();
    }

    public static void main(String[] a) throws Exception {
        String base = a[0];
        int n = Integer.parseInt(a[2]);
        int maxTokens = Integer.parseInt(a[3]);
        if (a[1].equals("streams")) {
            int nWords = a.length > 4 ? Integer.parseInt(a[4]) : 30;
            chat(base, "warm up " + words(99, nWords), 4);
            ExecutorService pool = Executors.newFixedThreadPool(n);
            List<Future<Result>> fs = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                int k = i;
                fs.add(pool.submit(() -> chat(base, "Story " + k + ": " + words(k, nWords), maxTokens)));
            }
            List<Double> ttft = new ArrayList<>();
            List<Double> perStream = new ArrayList<>();
            List<Result> results = new ArrayList<>();
            long tokens = 0;
            for (Future<Result> f : fs) {
                Result r = f.get();
                results.add(r);
                ttft.add(r.ttftMs());
                tokens += r.completionTokens();
                perStream.add((r.completionTokens() - 1) / ((r.totalMs() - r.ttftMs()) / 1000));
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            pool.shutdown();
            System.out.printf("streams=%d max_tokens=%d output_tok/s=%.2f ttft_p50_ms=%.0f ttft_p99_ms=%.0f"
                            + " per_stream_decode_tok/s_p50=%.2f decode_tok/s_all_streams=%s%n",
                    n, maxTokens, tokens / wall, pct(ttft, 0.5), pct(ttft, 0.99), pct(perStream, 0.5),
                    allDecoding(results));
        } else if (a[1].equals("decode")) {
            // batch-1 decode through HTTP + scheduler: n sequential streams after two warm-up ones; ms per token
            // after the first (TTFT excluded), the number the bare engine's BareDecode prints for the same work
            chat(base, "warm up " + words(98, 20), maxTokens);
            chat(base, "warm up " + words(97, 20), maxTokens);
            List<Double> msPerToken = new ArrayList<>();
            long hostPid = a.length > 4 ? Long.parseLong(a[4]) : -1;
            double cpu0 = hostPid > 0 ? cpuMs(hostPid) : 0;
            double step0 = metric(base, "modelhost:scheduler_step_seconds_total");
            double engine0 = metric(base, "modelhost:engine_seconds_total");
            long generated = 0;
            for (int i = 0; i < n; i++) {
                Result r = chat(base, "Story " + i + ": " + words(500 + i, 20), maxTokens);
                msPerToken.add((r.totalMs() - r.ttftMs()) / (r.completionTokens() - 1));
                generated += r.completionTokens();
            }
            String cpu = hostPid > 0
                    ? String.format(", host process CPU %.2f ms/token", (cpuMs(hostPid) - cpu0) / generated)
                    : "";
            double step = metric(base, "modelhost:scheduler_step_seconds_total") - step0;
            double engine = metric(base, "modelhost:engine_seconds_total") - engine0;
            System.out.printf("host decode batch 1: %.2f ms/token (p50 of %d streams of %d tokens)%s; scheduler thread"
                            + " %.2f ms/token of which engine %.2f: scheduler overhead %.1f %%%n",
                    pct(msPerToken, 0.5), n, maxTokens, cpu, 1000 * step / generated, 1000 * engine / generated,
                    100 * (step - engine) / engine);
        } else if (a.length > 4) {
            // the same shared-prefix workload against a host with the cache (BASE) and one without (a[4]), request by
            // request in turn, so that both see the same machine load; prints both and the ratio of the p50s
            int total = a.length > 5 ? Integer.parseInt(a[5]) : 1000;
            int unique = total / 10;
            String shared = words(11, total - unique);
            String off = a[4];
            chat(base, shared + words(3000, unique), 2);
            chat(off, "warm up " + words(3000, 60), 2); // JIT warm-up only: nothing to cache without a cache
            List<Double> on = new ArrayList<>();
            List<Double> without = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                on.add(chat(base, shared + words(4000 + i, unique), maxTokens).ttftMs());
                without.add(chat(off, shared + words(4000 + i, unique), maxTokens).ttftMs());
            }
            System.out.printf("prefix-shared interleaved requests=%d prompt_words=%d cache on ttft_p50_ms=%.0f"
                            + " p99_ms=%.0f, cache off ttft_p50_ms=%.0f p99_ms=%.0f: %.1fx lower p50 with the cache%n",
                    n, total, pct(on, 0.5), pct(on, 0.99), pct(without, 0.5), pct(without, 0.99),
                    pct(without, 0.5) / pct(on, 0.5));
        } else {
            String shared = words(7, 900); // ~90% of the prompt
            chat(base, shared + words(1000, 100), 2);
            List<Double> ttft = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ttft.add(chat(base, shared + words(2000 + i, 100), maxTokens).ttftMs());
            }
            System.out.printf("prefix-shared requests=%d ttft_p50_ms=%.0f ttft_p99_ms=%.0f%n", n, pct(ttft, 0.5),
                    pct(ttft, 0.99));
        }
    }
}
