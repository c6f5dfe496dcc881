package io.ascendant.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The filter refuses exactly what Quarkus' own check ({@code new URI(target)}) refuses, fast path or not. */
class MalformedUrlFilterTest {

    private static final List<String> TARGETS = List.of(
            "/v1/chat/completions",
            "/v1/chat/completions?x=%zz",
            "/v1/models/%E0%A4%A",
            "/v1/models/%E0%A4%A4",
            "/v1/models?q=a%20b",
            "/v1/models?q=a b",
            "/v1/models?q=a|b",
            "/v1/models?q=[1]",
            "/v1/models?after=%G1",
            "/admin/api/v1/tenants/%zz",
            "/admin/api/v1/tenants?q=-._~:@!$'()*+,;=/?",
            "/admin/console/#frag",
            "/a\"b",
            "/a{b}",
            "/a\\b",
            "/é",
            "//",
            "//host/path",
            "/",
            "*",
            "http://example.com/v1/models",
            "");

    @Test
    void refusesExactlyWhatJavaNetUriRefuses() {
        for (String target : TARGETS) {
            boolean uriValid;
            try {
                new URI(target);
                uriValid = true;
            } catch (URISyntaxException e) {
                uriValid = false;
            }
            assertThat(MalformedUrlFilter.validate(target) == null).as(target).isEqualTo(uriValid);
        }
        assertThat(MalformedUrlFilter.validate(null)).isNotNull();
    }

    @Test
    void saysWhatIsWrongQuotingOnlyOnePunctuationCharacter() {
        assertThat(MalformedUrlFilter.message(MalformedUrlFilter.validate("/v1/chat/completions?x=%zz")))
                .isEqualTo("The request URL is malformed: the '%' at character 24 must start a percent-escape of two"
                        + " hexadecimal digits (write a literal '%' as %25).");
        assertThat(MalformedUrlFilter.message(MalformedUrlFilter.validate("/v1/models?q=a b")))
                .isEqualTo("The request URL is malformed: a space at character 15 is not allowed in a URL;"
                        + " percent-encode it.");
        assertThat(MalformedUrlFilter.message(MalformedUrlFilter.validate("/v1/models?q=sk-secret|x")))
                .contains("'|' at character 23")
                .doesNotContain("sk-secret");
    }

    @Test
    void findsDotSegmentsLiteralOrPercentEncodedInThePathOnly() {
        assertThat(MalformedUrlFilter.dotSegmentAt("/v1/models/%2e%2e/%2e%2e/q/health"))
                .isEqualTo(11);
        assertThat(MalformedUrlFilter.dotSegmentAt("/v1/%2E%2E/admin/api/v1/tenants"))
                .isEqualTo(4);
        assertThat(MalformedUrlFilter.dotSegmentAt("/v1/models/.%2e/x")).isEqualTo(11);
        assertThat(MalformedUrlFilter.dotSegmentAt("/v1/models/%2e./x")).isEqualTo(11);
        assertThat(MalformedUrlFilter.dotSegmentAt("/admin/api/v1/../../v1/models"))
                .isEqualTo(14);
        assertThat(MalformedUrlFilter.dotSegmentAt("/v1/./models")).isEqualTo(4);
        assertThat(MalformedUrlFilter.dotSegmentAt("/v1/chat/completions/%2e")).isEqualTo(21);
        assertThat(MalformedUrlFilter.dotSegmentAt("/v1/models/..?x=1")).isEqualTo(11);
        assertThat(MalformedUrlFilter.dotSegmentAt("/..")).isEqualTo(1);
        assertThat(MalformedUrlFilter.dotSegmentAt("/.")).isEqualTo(1);
    }

    @Test
    void leavesDotsInsideSegmentsEmptySegmentsAndTheQueryAlone() {
        for (String target : List.of(
                "/v1/models",
                "/v1//models",
                "/",
                "",
                "*",
                "/v1/models/...",
                "/v1/models/%2e%2e%2e",
                "/v1/models/v4.flash",
                "/v1/models/.hidden",
                "/v1/models/..x",
                "/v1/models/%2ex",
                "/v1/models/%2",
                "/v1/models/%2e%2",
                "/v1/models%2f..%2fq",
                "/v1/models?after=../..",
                "/v1/models?x=/./#/../")) {
            assertThat(MalformedUrlFilter.dotSegmentAt(target)).as(target).isEqualTo(-1);
        }
        assertThat(MalformedUrlFilter.dotSegmentAt(null)).isEqualTo(-1);
    }

    @Test
    void findsPathParametersInThePathOnly() {
        assertThat(MalformedUrlFilter.pathParameterAt("/admin;x=1/api/v1/tenants"))
                .isEqualTo(6);
        assertThat(MalformedUrlFilter.pathParameterAt("/v1;x/models")).isEqualTo(3);
        assertThat(MalformedUrlFilter.pathParameterAt("/v1/models;x")).isEqualTo(10);
        assertThat(MalformedUrlFilter.pathParameterAt("/v1/models?a=1;b=2")).isEqualTo(-1);
        assertThat(MalformedUrlFilter.pathParameterAt("/v1/models/a%3Bb")).isEqualTo(-1);
        assertThat(MalformedUrlFilter.pathParameterAt("/v1/models")).isEqualTo(-1);
        assertThat(MalformedUrlFilter.pathParameterAt(null)).isEqualTo(-1);
        assertThat(MalformedUrlFilter.pathParameterMessage(6))
                .isEqualTo("The request path contains a ';' at character 7; path parameters are not supported: send"
                        + " the path without them (write a literal ';' as %3B).");
    }
}
