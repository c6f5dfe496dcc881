package io.ascendant.modelhost.server.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ascendant.modelhost.api.HostLoad;
import io.ascendant.modelhost.server.loading.ModelHost;
import io.ascendant.modelhost.server.testsupport.DemoModelResource;
import io.ascendant.modelhost.server.testsupport.HostClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bounds over HTTP: queue full → 429 with Retry-After, disconnect frees the slot, drain → 503 while running finish. */
@QuarkusTest
@QuarkusTestResource(DemoModelResource.class)
class OverloadAndDrainTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL base;

    @Inject
    ModelHost host;

    HostClient client;

    @BeforeEach
    void ready() throws InterruptedException {
        client = new HostClient(base.toString());
        client.awaitReady(Duration.ofSeconds(180));
    }

    private static String longChat(int maxTokens, boolean stream) {
        return "{\"model\":\"deepseek-v4-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"Count.\"}],"
                + "\"max_tokens\":" + maxTokens + ",\"ignore_eos\":true,\"stream\":" + stream + "}";
    }

    private HostLoad load() {
        return HostLoad.parsePrometheus(client.get("/metrics").body());
    }

    private void awaitIdle() throws InterruptedException {
        for (int i = 0; i < 600 && (load().running() > 0 || load().waiting() > 0); i++) {
            Thread.sleep(100);
        }
        assertThat(load().running()).isZero();
    }

    @Test
    void queueBeyondItsBoundAnswers429WithRetryAfterAndDisconnectsFreeTheSlots() throws Exception {
        // 4 running + 4 waiting fit (4 × 200 tokens is within the KV budget); the rest must be refused while those hold
        // their slots
        List<HostClient.Stream> open = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(12)) {
            List<CompletableFuture<Object>> replies = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                replies.add(CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                HostClient.Stream s = client.open("/v1/chat/completions", longChat(200, true));
                                if (s.status() == 200) {
                                    return s;
                                }
                                s.close();
                                return s.status();
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        pool));
            }
            int refused = 0;
            for (CompletableFuture<Object> f : replies) {
                Object r = f.get();
                if (r instanceof HostClient.Stream s) {
                    open.add(s);
                } else {
                    assertThat(r).isEqualTo(429);
                    refused++;
                }
            }
            assertThat(refused).isEqualTo(4);
            assertThat(open).hasSize(8);
        }
        HostClient.Reply extra = client.post("/v1/chat/completions", longChat(4, false));
        assertThat(extra.status()).isEqualTo(429);
        assertThat(extra.retryAfter()).isEqualTo("1");
        assertThat(extra.json().path("error").path("message").asText()).contains("max waiting=4");
        assertThat(load().running() + load().waiting()).isPositive();
        // the clients go away: every sequence is dropped at its next step, nothing keeps decoding
        for (HostClient.Stream s : open) {
            s.close();
        }
        awaitIdle();
        assertThat(load().waiting()).isZero();
        assertThat(client.post("/v1/chat/completions", longChat(2, false)).status())
                .isEqualTo(200);
    }

    @Test
    void drainRefusesNewRequestsWhileRunningOnesFinish() throws Exception {
        HostClient.Stream running = client.open("/v1/chat/completions", longChat(30, true));
        assertThat(running.status()).isEqualTo(200);
        assertThat(running.nextEvent()).isNotNull();
        host.beginDrain();
        try {
            assertThat(client.get("/health").status()).isEqualTo(503);
            assertThat(client.get("/q/health/ready").status()).isEqualTo(503);
            HostClient.Reply refused = client.post("/v1/chat/completions", longChat(2, false));
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.json().path("error").path("message").asText()).contains("draining");
            String last = null;
            String finish = null;
            for (String e; (e = running.nextEvent()) != null; ) {
                last = e;
                if (!e.equals("[DONE]")) {
                    var choices = JSON.readTree(e).path("choices");
                    if (!choices.isEmpty()
                            && !choices.get(0).path("finish_reason").isNull()) {
                        finish = choices.get(0).path("finish_reason").asText();
                    }
                }
            }
            assertThat(last).isEqualTo("[DONE]");
            assertThat(finish).isEqualTo("length");
        } finally {
            running.close();
            host.resume();
        }
        assertThat(client.get("/health").status()).isEqualTo(200);
    }
}
