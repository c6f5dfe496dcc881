package io.ascendant.gateway.catalogue;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * The one rule for a model-host endpoint's base URL, whatever its source (admin registration, static configuration,
 * DNS discovery, a row written straight into {@code pool_endpoint}): an absolute {@code http} or {@code https} URL
 * that parses, with a host, a port of 1-65535 when one is given, and nothing else (no user info, path, query or
 * fragment; a single trailing {@code /} is tolerated and stripped by the callers). The gateway sends the host
 * contract's own paths ({@code /v1/chat/completions}, {@code /health}, ...) to host and port, so anything more in the
 * URL would be silently ignored.
 *
 * <p>The admin API refuses a URL that breaks the rule (400 naming {@code baseUrl}); the pod registry skips one that
 * reaches it anyway and lists it as {@code INVALID} with {@link #problem}'s reason, so that one bad endpoint never
 * stops start-up or the health poller.
 *
 * <p>Messages quote the value through {@link #quoted}: user info is masked, control characters replaced and the
 * length capped, so that neither a password typed into a URL nor a megabyte of input reaches a response or a log.
 */
public final class EndpointUrls {

    /** Longest base URL accepted, in characters. */
    public static final int MAX_LENGTH = 2048;

    /** Longest part of a value quoted in a message, in characters. */
    private static final int QUOTE_LENGTH = 200;

    private EndpointUrls() {}

    /**
     * What is wrong with {@code url} as an endpoint base URL, as a sentence that names it {@code label}, e.g. {@code
     * baseUrl 'http://127.0.0.1:99999' has port 99999; a port is 1-65535}; empty when it is valid.
     *
     * @param label how the message names the value (a JSON field, a configuration key)
     */
    public static Optional<String> problem(String label, String url) {
        return problem(url)
                .map(p -> (url == null || url.isBlank() ? label : label + " '" + quoted(url) + "'") + " " + p);
    }

    /**
     * What is wrong with {@code url}, as a phrase that follows the value's name ({@code has port 99999; a port is
     * 1-65535}); empty when it is a valid base URL.
     */
    public static Optional<String> problem(String url) {
        if (url == null || url.isBlank()) {
            return Optional.of("is empty; give http://host:port or https://host:port");
        }
        if (url.length() > MAX_LENGTH) {
            return Optional.of("is " + url.length() + " characters long; at most " + MAX_LENGTH);
        }
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                return Optional.of(
                        "contains whitespace or a control character at character " + (i + 1) + "; a URL has none");
            }
        }
        int schemeEnd = url.indexOf("://");
        if (schemeEnd <= 0) {
            return Optional.of(
                    "is not an absolute URL: it must start with http:// or https://, e.g." + " http://10.0.0.5:8090");
        }
        String scheme = url.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.of(
                    "has scheme '" + quoted(url.substring(0, schemeEnd)) + "'; only http and https are supported");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Optional.of("is not a valid URL: " + reason(e, url));
        }
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            return Optional.of("has no host; give http://host:port or https://host:port");
        }
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            return Optional.of("has user info before '@'; give only scheme, host and port (model hosts are called"
                    + " without credentials in the URL)");
        }
        Optional<String> port = portProblem(authority);
        if (port.isPresent()) {
            return port;
        }
        try {
            uri = uri.parseServerAuthority();
        } catch (URISyntaxException e) {
            return Optional.of("has an invalid host: " + reason(e, url));
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return Optional.of("has no host; give http://host:port or https://host:port");
        }
        String path = uri.getRawPath();
        if (path != null && !path.isEmpty() && !path.equals("/")) {
            return Optional.of("has path '" + quoted(path) + "'; give only scheme, host and port (the gateway adds"
                    + " the host API's paths itself)");
        }
        if (uri.getRawQuery() != null) {
            return Optional.of("has a query ('?" + quoted(uri.getRawQuery()) + "'); give only scheme, host and port");
        }
        if (uri.getRawFragment() != null) {
            return Optional.of(
                    "has a fragment ('#" + quoted(uri.getRawFragment()) + "'); give only scheme, host and port");
        }
        return Optional.empty();
    }

    /**
     * The problem with the port of {@code host:port}, {@code [v6]:port} or a bare host (no port: the scheme's
     * default), checked before {@link URI#parseServerAuthority()} whose own message for 99999999999 is only
     * "malformed port number" and which accepts 0 and 99999.
     */
    private static Optional<String> portProblem(String authority) {
        int colon;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0 || close + 1 >= authority.length()) {
                return Optional.empty(); // no port; URI reports a missing bracket itself
            }
            colon = authority.charAt(close + 1) == ':' ? close + 1 : -1;
        } else {
            colon = authority.lastIndexOf(':');
        }
        if (colon < 0) {
            return Optional.empty();
        }
        String port = authority.substring(colon + 1);
        if (port.isEmpty()) {
            return Optional.of(
                    "has an empty port after ':'; give a port of 1-65535 or none (80 for http, 443 for" + " https)");
        }
        if (!port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.of("has port '" + quoted(port) + "'; a port is a number 1-65535");
        }
        String digits = port.replaceFirst("^0+(?=.)", "");
        if (digits.length() > 5 || Integer.parseInt(digits) < 1 || Integer.parseInt(digits) > 65535) {
            return Optional.of("has port " + quoted(port) + "; a port is 1-65535");
        }
        return Optional.empty();
    }

    /**
     * The form endpoints are stored and compared in, so that one endpoint has one spelling: lower-cased, without a
     * trailing {@code /}, the port without leading zeros and without the scheme's default ({@code http://h:00080},
     * {@code http://h:80} and {@code HTTP://h/} are all {@code http://h}; {@code https://h:443} is {@code https://h}).
     * A value that breaks the rule ({@link #problem}) is only lower-cased and stripped of its slash, never refused
     * here.
     */
    public static String normalized(String url) {
        String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        u = u.toLowerCase(Locale.ROOT);
        int schemeEnd = u.indexOf("://");
        if (schemeEnd <= 0) {
            return u;
        }
        String scheme = u.substring(0, schemeEnd);
        String authority = u.substring(schemeEnd + 3);
        int colon;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            colon = close > 0 && close + 1 < authority.length() && authority.charAt(close + 1) == ':' ? close + 1 : -1;
        } else {
            colon = authority.lastIndexOf(':');
        }
        if (colon < 0) {
            return u;
        }
        String digits = authority.substring(colon + 1).replaceFirst("^0+(?=.)", "");
        if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return u; // not a port of the rule; reported by problem(), kept as given
        }
        int port = Integer.parseInt(digits);
        int defaultPort = scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
        String host = authority.substring(0, colon);
        return scheme + "://" + host + (port == defaultPort ? "" : ":" + port);
    }

    /**
     * {@code value} as messages and logs may show it: user info ({@code user:password@}) masked as {@code ***@},
     * control characters as {@code ?}, at most 200 characters (then {@code ...}).
     */
    public static String quoted(String value) {
        if (value == null) {
            return "";
        }
        String v = value;
        int scheme = v.indexOf("://");
        int at = v.lastIndexOf('@');
        if (at >= 0) {
            int start = scheme >= 0 ? scheme + 3 : 0;
            v = at >= start ? v.substring(0, start) + "***" + v.substring(at) : v;
        }
        StringBuilder sb = new StringBuilder(Math.min(v.length(), QUOTE_LENGTH + 3));
        for (int i = 0; i < v.length() && i < QUOTE_LENGTH; i++) {
            char c = v.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        if (v.length() > QUOTE_LENGTH) {
            sb.append("...");
        }
        return sb.toString();
    }

    /** A parse failure as a phrase: Java's reason, lower-cased, and where (1-based, or "at its end"). */
    private static String reason(URISyntaxException e, String url) {
        String r = e.getReason();
        r = r.isEmpty() ? "unparseable" : Character.toLowerCase(r.charAt(0)) + r.substring(1);
        int i = e.getIndex();
        if (i < 0) {
            return r;
        }
        if (i >= url.length()) {
            return r + " at its end";
        }
        return r + " at character " + (i + 1) + " ('" + quoted(String.valueOf(url.charAt(i))) + "')";
    }
}
