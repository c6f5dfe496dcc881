package io.ascendant.admin.problem;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The HTTP methods each JAX-RS resource path of the application answers, so that a 405 carries {@code Allow} (RFC 9110
 * §15.5.6 requires it; Quarkus REST's own 405 has none). Read once, on first use, from the resource classes: the CDI
 * beans annotated with {@link Path}, whatever module declares them (this module's admin API, the gateway's tenant
 * billing and catalogue resources). Besides the declared methods, Quarkus REST answers {@code HEAD} wherever {@code GET}
 * is declared and {@code OPTIONS} on every resource path, so both are listed as {@code OPTIONS} itself lists them.
 *
 * <p>When several templates match a path, the one JAX-RS would choose decides (most literal characters, then most
 * template variables: {@code /billing/invoices/drafts} before {@code /billing/invoices/{id}}).
 *
 * <p>Thread-safe: the table is built once and never changes.
 */
@ApplicationScoped
public class AllowedMethods {

    /** Canonical order of methods in {@code Allow}. */
    private static final List<String> ORDER = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    /**
     * One resource path template.
     *
     * @param template the path as declared, such as {@code /admin/api/v1/tenants/{tenantId}}
     * @param methods the HTTP methods declared on it
     */
    public record Endpoint(String template, Set<String> methods) {}

    private record Compiled(Endpoint endpoint, Pattern pattern, int literalChars, int variables) {}

    @Inject
    BeanManager beans;

    private volatile List<Compiled> table;

    /** Every resource path template with its declared methods, sorted by template. */
    public List<Endpoint> endpoints() {
        return table().stream()
                .map(Compiled::endpoint)
                .sorted(Comparator.comparing(Endpoint::template))
                .toList();
    }

    /**
     * The value of {@code Allow} for a request path (no query), such as {@code "GET, HEAD, OPTIONS"}; empty when no
     * resource path matches it.
     */
    public Optional<String> allowFor(String path) {
        return allowed(path).map(methods -> String.join(", ", methods));
    }

    /**
     * The value of {@code Allow} when {@code path} is a resource path that does not serve {@code method}; empty when no
     * resource path matches or it serves the method. Quarkus REST answers 404, not 405, when the path's template belongs
     * to another resource class than a shorter template that also matches (such as {@code PATCH
     * /tenants/{tenantId}/budgets}); this tells the two apart.
     */
    public Optional<String> refusing(String path, String method) {
        return allowed(path).filter(methods -> !methods.contains(method)).map(methods -> String.join(", ", methods));
    }

    private Optional<Set<String>> allowed(String path) {
        Compiled best = null;
        Set<String> methods = new TreeSet<>(Comparator.comparingInt(ORDER::indexOf));
        for (Compiled c : table()) {
            if (!c.pattern().matcher(path).matches()) {
                continue;
            }
            if (best == null || moreSpecific(c, best)) {
                best = c;
                methods.clear();
            }
            if (c.literalChars() == best.literalChars() && c.variables() == best.variables()) {
                methods.addAll(c.endpoint().methods());
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        if (methods.contains("GET")) {
            methods.add("HEAD");
        }
        methods.add("OPTIONS");
        return Optional.of(methods);
    }

    private static boolean moreSpecific(Compiled a, Compiled b) {
        return a.literalChars() != b.literalChars()
                ? a.literalChars() > b.literalChars()
                : a.variables() > b.variables();
    }

    private List<Compiled> table() {
        List<Compiled> t = table;
        if (t == null) {
            t = build();
            table = t;
        }
        return t;
    }

    private List<Compiled> build() {
        Map<String, Set<String>> byTemplate = new TreeMap<>();
        Set<Class<?>> seen = new HashSet<>();
        for (Bean<?> bean : beans.getBeans(Object.class, Any.Literal.INSTANCE)) {
            Class<?> type = bean.getBeanClass();
            Path root = type.getAnnotation(Path.class);
            if (root == null || !seen.add(type)) {
                continue;
            }
            collect(type, root.value(), byTemplate, 0);
        }
        List<Compiled> out = new ArrayList<>();
        byTemplate.forEach((template, methods) -> out.add(compile(new Endpoint(template, Set.copyOf(methods)))));
        return List.copyOf(out);
    }

    /**
     * Adds the resource methods of {@code type} under {@code prefix}; a sub-resource locator (a {@link Path} method
     * without an HTTP method, such as {@code /tenants/{tenantId}/audit}) adds its returned resource's methods.
     */
    private static void collect(Class<?> type, String prefix, Map<String, Set<String>> out, int depth) {
        for (Method m : type.getMethods()) {
            Path sub = m.getAnnotation(Path.class);
            String template = join(prefix, sub == null ? "" : sub.value());
            String method = httpMethod(m);
            if (method != null) {
                out.computeIfAbsent(template, k -> new TreeSet<>(Comparator.comparingInt(ORDER::indexOf)))
                        .add(method);
            } else if (sub != null && depth < 4) {
                collect(m.getReturnType(), template, out, depth + 1);
            }
        }
    }

    private static String httpMethod(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod h = a.annotationType().getAnnotation(HttpMethod.class);
            if (h != null) {
                return h.value();
            }
        }
        return null;
    }

    /** Class and method paths joined with single slashes, with a leading and no trailing slash. */
    static String join(String classPath, String methodPath) {
        String joined = ("/" + classPath + "/" + methodPath).replaceAll("/+", "/");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }

    /** The template as a regular expression: {@code {name}} is one segment, {@code {name: regex}} its regex. */
    private static Compiled compile(Endpoint e) {
        String t = e.template();
        StringBuilder regex = new StringBuilder();
        int literal = 0;
        int variables = 0;
        int i = 0;
        while (i < t.length()) {
            char c = t.charAt(i);
            if (c != '{') {
                int next = t.indexOf('{', i);
                int end = next < 0 ? t.length() : next;
                regex.append(Pattern.quote(t.substring(i, end)));
                literal += end - i;
                i = end;
                continue;
            }
            int depth = 0;
            int end = i;
            for (; end < t.length(); end++) {
                if (t.charAt(end) == '{') {
                    depth++;
                } else if (t.charAt(end) == '}' && --depth == 0) {
                    break;
                }
            }
            String inner = t.substring(i + 1, end);
            int colon = inner.indexOf(':');
            regex.append('(')
                    .append(colon < 0 ? "[^/]+" : inner.substring(colon + 1).strip())
                    .append(')');
            variables++;
            i = end + 1;
        }
        regex.append("/?");
        return new Compiled(e, Pattern.compile(regex.toString()), literal, variables);
    }
}
