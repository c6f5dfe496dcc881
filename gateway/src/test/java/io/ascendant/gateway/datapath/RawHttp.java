package io.ascendant.gateway.datapath;

import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 exchange over a plain socket with the request target sent byte for byte. REST Assured and
 * {@link java.net.URI} refuse targets such as {@code /v1/models/%E0%A4%A} before they leave the client, so tests of
 * how the gateway answers a malformed URL need this.
 */
public final class RawHttp {
    private RawHttp() {}

    /**
     * An answer.
     *
     * @param status HTTP status
     * @param headers header names in lower case to their (last) value
     * @param body the body as UTF-8 text (de-chunked)
     */
    public record Answer(int status, Map<String, String> headers, String body) {
        /** The body as JSON, for path assertions. */
        public JsonPath json() {
            return new JsonPath(body);
        }

        /** The content type, or an empty string. */
        public String contentType() {
            return headers.getOrDefault("content-type", "");
        }
    }

    /**
     * Sends {@code method target} to the test app with the given headers and body (null for none).
     *
     * @param headers extra header lines, name to value
     */
    public static Answer send(String method, String target, Map<String, String> headers, String body) {
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder()
                .append(method)
                .append(' ')
                .append(target)
                .append(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
        headers.forEach((n, v) -> head.append(n).append(": ").append(v).append("\r\n"));
        if (body != null) {
            head.append("Content-Length: ").append(payload.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = java.util.Arrays.copyOf(headBytes, headBytes.length + payload.length);
        System.arraycopy(payload, 0, request, headBytes.length, payload.length);
        return exchange(request);
    }

    /**
     * Sends {@code request} byte for byte (request line, headers and body as the test wrote them, malformed or not)
     * and reads the answer until the server closes the connection.
     */
    public static Answer exchange(byte[] request) {
        try (Socket s = new Socket("127.0.0.1", RestAssured.port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            return parse(s.getInputStream().readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Answer parse(byte[] raw) throws IOException {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("no complete HTTP response head in " + raw.length + " bytes");
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(
                    lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim());
        }
        byte[] rest = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            rest = dechunk(rest);
        }
        return new Answer(status, headers, new String(rest, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream s = new java.io.ByteArrayInputStream(in);
        while (true) {
            StringBuilder size = new StringBuilder();
            int c;
            while ((c = s.read()) != '\n') {
                if (c < 0) {
                    return out.toByteArray();
                }
                if (c != '\r') {
                    size.append((char) c);
                }
            }
            int n = Integer.parseInt(size.toString().split(";")[0].trim(), 16);
            if (n == 0) {
                return out.toByteArray();
            }
            out.write(s.readNBytes(n));
            s.skip(2);
        }
    }
}
