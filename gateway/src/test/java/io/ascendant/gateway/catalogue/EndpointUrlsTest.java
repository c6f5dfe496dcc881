package io.ascendant.gateway.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The base-URL rule every endpoint source shares, and what its messages say (and never show). */
class EndpointUrlsTest {

    private static String problem(String url) {
        return EndpointUrls.problem("baseUrl", url).orElseThrow(() -> new AssertionError(url + " was accepted"));
    }

    @Test
    void acceptsHttpAndHttpsWithHostAndOptionalPort() {
        for (String ok : new String[] {
            "http://127.0.0.1:8090",
            "https://model-host-0.pods.svc:443",
            "http://[::1]:8090",
            "http://[fd00::5]",
            "HTTP://Host.Example:1",
            "http://h:65535",
            "http://h:8090/"
        }) {
            assertThat(EndpointUrls.problem("baseUrl", ok)).as(ok).isEmpty();
        }
    }

    @Test
    void namesThePortOutOfRange() {
        assertThat(problem("http://127.0.0.1:99999"))
                .isEqualTo("baseUrl 'http://127.0.0.1:99999' has port 99999; a port is 1-65535");
        assertThat(problem("http://127.0.0.1:0"))
                .isEqualTo("baseUrl 'http://127.0.0.1:0' has port 0; a port is 1-65535");
        assertThat(problem("http://h:99999999999"))
                .isEqualTo("baseUrl 'http://h:99999999999' has port 99999999999; a" + " port is 1-65535");
        assertThat(problem("http://h:")).startsWith("baseUrl 'http://h:' has an empty port after ':'");
        assertThat(problem("http://h:8o90"))
                .isEqualTo("baseUrl 'http://h:8o90' has port '8o90'; a port is a number" + " 1-65535");
    }

    @Test
    void saysWhereAnUnparseableUrlBreaks() {
        assertThat(problem("http://[::1"))
                .isEqualTo("baseUrl 'http://[::1' is not a valid URL: expected closing bracket for IPv6 address at its"
                        + " end");
        assertThat(problem("http://foo_bar:80"))
                .isEqualTo("baseUrl 'http://foo_bar:80' has an invalid host: illegal character in hostname at"
                        + " character 11 ('_')");
    }

    @Test
    void refusesOtherSchemesRelativeUrlsAndMissingHosts() {
        assertThat(problem("ftp://h:21"))
                .isEqualTo("baseUrl 'ftp://h:21' has scheme 'ftp'; only http and https are" + " supported");
        assertThat(problem("10.0.0.5:8090"))
                .startsWith(
                        "baseUrl '10.0.0.5:8090' is not an absolute URL: it must start" + " with http:// or https://");
        assertThat(problem("http:///x"))
                .isEqualTo("baseUrl 'http:///x' has no host; give http://host:port or" + " https://host:port");
        assertThat(problem("https://:443")).startsWith("baseUrl 'https://:443' has an invalid host: expected hostname");
        assertThat(problem(" ")).isEqualTo("baseUrl is empty; give http://host:port or https://host:port");
    }

    @Test
    void refusesPathQueryFragmentAndUserInfoWithoutShowingCredentials() {
        assertThat(problem("http://h:1/v1"))
                .startsWith("baseUrl 'http://h:1/v1' has path '/v1'; give only scheme," + " host and port");
        assertThat(problem("http://h:1?a=b"))
                .isEqualTo("baseUrl 'http://h:1?a=b' has a query ('?a=b'); give only" + " scheme, host and port");
        assertThat(problem("http://h:1#top"))
                .isEqualTo("baseUrl 'http://h:1#top' has a fragment ('#top'); give only" + " scheme, host and port");
        String userInfo = problem("http://admin:s3cret@h:1");
        assertThat(userInfo).startsWith("baseUrl 'http://***@h:1' has user info before '@'");
        assertThat(userInfo).doesNotContain("s3cret").doesNotContain("admin");
    }

    @Test
    void quotesNoControlCharactersAndNoMoreThan200Characters() {
        assertThat(problem("http://h:1\n"))
                .isEqualTo("baseUrl 'http://h:1?' contains whitespace or a control"
                        + " character at character 11; a URL has none");
        String longHost = "http://" + "a".repeat(3000) + ":1";
        assertThat(problem(longHost))
                .isEqualTo(
                        "baseUrl '" + longHost.substring(0, 200) + "...' is 3009 characters" + " long; at most 2048");
    }

    @Test
    void normalizesToLowerCaseWithoutTrailingSlash() {
        assertThat(EndpointUrls.normalized("HTTP://Host:8090/")).isEqualTo("http://host:8090");
        assertThat(EndpointUrls.normalized("http://host:8090")).isEqualTo("http://host:8090");
    }
}
