package io.ascendant.gateway.bench;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Shared-prefix workload for the prefix-affinity benchmark (bench/gateway/prefix-affinity.sh): {@code groups}
 * conversations, each with its own long system prompt, {@code perGroup} questions each, sent in random order with
 * {@code concurrency} clients through the gateway as streams. Prints time-to-first-token percentiles (time until the
 * first SSE data line with content).
 *
 * <pre>PrefixAffinityLoad &lt;gatewayUrl&gt; &lt;apiKey&gt; &lt;model&gt; [groups=24] [perGroup=10] [concurrency=4]</pre>
 */
public final class PrefixAffinityLoad {
    private PrefixAffinityLoad() {}

    public static void main(String[] args) throws Exception {
        String url = args[0] + "/v1/chat/completions";
        String key = args[1];
        String model = args[2];
        int groups = args.length > 3 ? Integer.parseInt(args[3]) : 24;
        int perGroup = args.length > 4 ? Integer.parseInt(args[4]) : 10;
        int concurrency = args.length > 5 ? Integer.parseInt(args[5]) : 4;
        Random random = new Random(42);
        List<String> bodies = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            StringBuilder system = new StringBuilder("You are assistant number " + g + ". ");
            while (system.length() < 4000) {
                system.append("Rule ")
                        .append(g)
                        .append('.')
                        .append(system.length())
                        .append(": answer briefly. ");
            }
            for (int q = 0; q < perGroup; q++) {
                bodies.add("{\"model\":\"" + model + "\",\"stream\":true,\"max_tokens\":16,\"messages\":["
                        + "{\"role\":\"system\",\"content\":\"" + system + "\"},"
                        + "{\"role\":\"user\",\"content\":\"Question " + q + " of group " + g + "\"}]}");
            }
        }
        Collections.shuffle(bodies, random);
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        List<Future<Double>> results = new ArrayList<>();
        for (String body : bodies) {
            results.add(pool.submit(() -> ttftMs(client, url, key, body)));
        }
        List<Double> ttft = new ArrayList<>();
        int failed = 0;
        for (Future<Double> f : results) {
            double v = f.get();
            if (v < 0) {
                failed++;
            } else {
                ttft.add(v);
            }
        }
        pool.shutdown();
        Collections.sort(ttft);
        System.out.printf(
                "requests=%d failed=%d ttft_p50_ms=%.2f ttft_p90_ms=%.2f ttft_p99_ms=%.2f ttft_mean_ms=%.2f%n",
                bodies.size(),
                failed,
                pct(ttft, 50),
                pct(ttft, 90),
                pct(ttft, 99),
                ttft.stream().mapToDouble(Double::doubleValue).average().orElse(0));
    }

    private static double ttftMs(HttpClient client, String url, String key, String body) {
        try {
            long start = System.nanoTime();
            HttpRequest req = HttpRequest.newBuilder(URI.create(url))
                    .header("authorization", "Bearer " + key)
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            HttpResponse<InputStream> resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
            if (resp.statusCode() != 200) {
                resp.body().close();
                return -1;
            }
            double first = -1;
            try (InputStream in = resp.body()) {
                StringBuilder line = new StringBuilder();
                int b;
                while ((b = in.read()) >= 0) {
                    if (b == '\n') {
                        if (first < 0 && line.indexOf("\"content\":\"") >= 0 && line.indexOf("\"content\":\"\"") < 0) {
                            first = (System.nanoTime() - start) / 1e6;
                        }
                        line.setLength(0);
                    } else {
                        line.append((char) b);
                    }
                }
            }
            return first;
        } catch (Exception e) {
            return -1;
        }
    }

    private static double pct(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
