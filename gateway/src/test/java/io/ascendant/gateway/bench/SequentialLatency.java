package io.ascendant.gateway.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Benchmark helper (bench/gateway): the latency of each request at concurrency 1, measured one request at a time over
 * one keep-alive HTTP/1.1 connection, as a client that waits for each answer before sending the next sees it.
 *
 * <p>Why not wrk's percentiles for this: wrk 4 "corrects" its latency histogram for coordinated omission
 * ({@code stats_correct} in wrk.c): every request slower than twice the mean interval adds synthetic samples as if
 * requests had kept arriving at the mean rate. At concurrency 1 that turns one 5 ms pause into ten or so samples
 * between 0.5 and 5 ms, and its average latency then exceeds the run's duration divided by its request count. This
 * tool records exactly one sample per request; the sum of its samples equals the run's wall time.
 *
 * <pre>
 * SequentialLatency &lt;host&gt; &lt;port&gt; &lt;path&gt; &lt;bearer key or -&gt; &lt;body&gt; &lt;warm-up s&gt; &lt;measure s&gt;
 * prints: requests=N p50_us=.. p90_us=.. p99_us=.. p999_us=.. max_us=.. over_1ms=N non_200=N
 * </pre>
 */
public final class SequentialLatency {
    private SequentialLatency() {}

    public static void main(String[] args) throws IOException {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String path = args[2];
        String key = args[3];
        byte[] body = args[4].getBytes(StandardCharsets.UTF_8);
        long warmNanos = (long) (Double.parseDouble(args[5]) * 1e9);
        long measureNanos = (long) (Double.parseDouble(args[6]) * 1e9);
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n"
                + (key.equals("-") ? "" : "Authorization: Bearer " + key + "\r\n") + "\r\n";
        byte[] request = concat(head.getBytes(StandardCharsets.US_ASCII), body);

        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            ResponseReader in = new ResponseReader(socket.getInputStream());
            long end = System.nanoTime() + warmNanos;
            while (System.nanoTime() < end) {
                out.write(request);
                in.readResponse();
            }
            long[] samples = new long[1 << 16];
            int n = 0;
            int non200 = 0;
            end = System.nanoTime() + measureNanos;
            for (long start = System.nanoTime(); start < end; start = System.nanoTime()) {
                out.write(request);
                int status = in.readResponse();
                long took = System.nanoTime() - start;
                if (status != 200) {
                    non200++;
                }
                if (n == samples.length) {
                    samples = Arrays.copyOf(samples, n * 2);
                }
                samples[n++] = took;
            }
            long[] sorted = Arrays.copyOf(samples, n);
            Arrays.sort(sorted);
            long over1ms = Arrays.stream(sorted).filter(t -> t > 1_000_000).count();
            System.out.printf(
                    "requests=%d p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d over_1ms=%d non_200=%d%n",
                    n,
                    percentileMicros(sorted, 0.50),
                    percentileMicros(sorted, 0.90),
                    percentileMicros(sorted, 0.99),
                    percentileMicros(sorted, 0.999),
                    n == 0 ? 0 : sorted[n - 1] / 1_000,
                    over1ms,
                    non200);
        }
    }

    /** Nearest-rank percentile of sorted nanosecond samples, in microseconds. */
    static long percentileMicros(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1_000;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Reads one HTTP/1.1 response with a Content-Length body (what the gateway and the fake host send). */
    private static final class ResponseReader {
        private final InputStream in;
        private final byte[] buf = new byte[64 * 1024];
        private int start;
        private int end;

        ResponseReader(InputStream in) {
            this.in = in;
        }

        int readResponse() throws IOException {
            int headerEnd;
            while ((headerEnd = indexOfHeaderEnd()) < 0) {
                fill();
            }
            String headers = new String(buf, start, headerEnd - start, StandardCharsets.ISO_8859_1);
            int status = Integer.parseInt(headers.substring(9, 12));
            long length = contentLength(headers);
            start = headerEnd + 4;
            while (end - start < length) {
                fill();
            }
            start += (int) length;
            return status;
        }

        private static long contentLength(String headers) throws IOException {
            for (String line : headers.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                    return Long.parseLong(line.substring(colon + 1).trim());
                }
            }
            throw new IOException("response without Content-Length (chunked answers are not supported): " + headers);
        }

        private int indexOfHeaderEnd() {
            for (int i = start; i + 3 < end; i++) {
                if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
                    return i;
                }
            }
            return -1;
        }

        private void fill() throws IOException {
            if (start > 0) {
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
            }
            if (end == buf.length) {
                throw new IOException("response larger than " + buf.length + " bytes");
            }
            int read = in.read(buf, end, buf.length - end);
            if (read < 0) {
                throw new IOException("connection closed by the server");
            }
            end += read;
        }
    }
}
