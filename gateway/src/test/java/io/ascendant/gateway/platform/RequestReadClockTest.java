package io.ascendant.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which body bound a late timer reports. The clock runs on an {@link EmbeddedChannel}, whose scheduled tasks run only
 * when the test asks: waiting past both bounds before that is a timer that fires late, as on a loaded machine. The
 * 408 once said "request body not complete within" the whole body's deadline when the client had paused, because the
 * bound was chosen by the time the timer fired, and the gateway's own time not reading the body (authenticating the
 * request on a loaded machine) counted against the whole body's deadline.
 */
class RequestReadClockTest {

    private static final Duration PAUSE = Duration.ofMillis(150);
    private static final Duration WHOLE = Duration.ofMillis(200);

    private final RequestReadClock clock = new RequestReadClock(
            new RequestReadClock.Timeouts(Duration.ofMinutes(1), PAUSE, Duration.ofMinutes(1), WHOLE));
    private final List<Throwable> failures = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(clock, new RequestWithABody());

    @Test
    void aPauseWhoseTimerFiresAfterTheWholeBodyDeadlineIsReportedAsAPause() throws Exception {
        channel.writeInbound(bytes("POST / HTTP/1.1 ...")); // the head; no byte of the body follows
        sleepPast(WHOLE);

        channel.runScheduledPendingTasks();

        assertThat(failures).singleElement().isInstanceOfSatisfying(RequestReadClock.BodyReadTimeout.class, t -> {
            assertThat(t.whole()).as("the pause ran out first").isFalse();
            assertThat(t.timeout()).isEqualTo(PAUSE);
        });
    }

    @Test
    void aBodyStillArrivingWhenTheWholeBodyDeadlineComesIsReportedAsTheDeadline() throws Exception {
        channel.writeInbound(bytes("POST / HTTP/1.1 ..."));
        Thread.sleep(100);
        channel.writeInbound(bytes("{")); // a pause from here would end after the whole body's deadline
        sleepPast(WHOLE);

        channel.runScheduledPendingTasks();

        assertThat(failures).singleElement().isInstanceOfSatisfying(RequestReadClock.BodyReadTimeout.class, t -> {
            assertThat(t.whole()).isTrue();
            assertThat(t.timeout()).isEqualTo(WHOLE);
        });
    }

    @Test
    void aBodyTheGatewayStoppedReadingPastTheWholeBodyDeadlineGetsAPauseOnceReadingResumes() throws Exception {
        channel.writeInbound(bytes("POST / HTTP/1.1 ..."));
        channel.config().setAutoRead(false); // the gateway is busy with the request (authentication, say)
        sleepPast(WHOLE);
        channel.runScheduledPendingTasks();
        assertThat(failures)
                .as("not the client's time while the gateway does not read")
                .isEmpty();

        channel.config().setAutoRead(true); // reading resumes; the client sends nothing more
        sleepPast(PAUSE);
        channel.runScheduledPendingTasks();

        assertThat(failures).singleElement().isInstanceOfSatisfying(RequestReadClock.BodyReadTimeout.class, t -> {
            assertThat(t.whole()).as("the client paused once reading resumed").isFalse();
            assertThat(t.timeout()).isEqualTo(PAUSE);
        });
    }

    private static Object bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    }

    private static void sleepPast(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis() + 50);
    }

    /** Stands in for the decoder and {@link Http1ExchangeGuard}: the first read is a head with a body to follow. */
    private final class RequestWithABody extends ChannelInboundHandlerAdapter {
        private boolean headRead;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            if (!headRead) {
                headRead = true;
                clock.headRead(true);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failures.add(cause);
        }
    }
}
