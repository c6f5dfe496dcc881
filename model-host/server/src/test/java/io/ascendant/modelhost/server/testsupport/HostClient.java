package io.ascendant.modelhost.server.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Plain HTTP to the host under test (SSE read line by line). */
public final class HostClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public HostClient(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** A response: status, headers' retry-after, body text. */
    public record Reply(int status, String retryAfter, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The {@code data:} payloads of an SSE body, in order ({@code [DONE]} included). */
        public List<String> events() {
            List<String> out = new ArrayList<>();
            for (String line : body.split("\n")) {
                if (line.startsWith("data: ")) {
                    out.add(line.substring(6));
                }
            }
            return out;
        }
    }

    public Reply post(String path, String json) {
        try {
            HttpResponse<String> r = http.send(request(path, json), HttpResponse.BodyHandlers.ofString());
            return new Reply(
                    r.statusCode(), r.headers().firstValue("retry-after").orElse(null), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Reply get(String path) {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), null, r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Opens a stream; the caller reads lines and closes it (closing before the end is a client disconnect). */
    public Stream open(String path, String json) throws IOException, InterruptedException {
        HttpResponse<InputStream> r = http.send(request(path, json), HttpResponse.BodyHandlers.ofInputStream());
        return new Stream(r.statusCode(), r.body());
    }

    /** An open SSE response. */
    public static final class Stream implements AutoCloseable {
        private final int status;
        private final InputStream body;
        private final BufferedReader reader;

        Stream(int status, InputStream body) {
            this.status = status;
            this.body = body;
            this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        }

        public int status() {
            return status;
        }

        /** The next {@code data:} payload, or null at the end. */
        public String nextEvent() throws IOException {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    return line.substring(6);
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    private HttpRequest request(String path, String json) {
        return HttpRequest.newBuilder(URI.create(base + path))
                .header("content-type", "application/json")
                .header("x-request-id", "test-" + System.nanoTime())
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
    }

    /** Waits (bounded) until {@code GET /health} answers 200. */
    public void awaitReady(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (get("/health").status() == 200) {
                    return;
                }
            } catch (UncheckedIOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("host not ready after " + max);
    }
}
