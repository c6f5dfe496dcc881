package io.ascendant.gateway.platform;

import io.ascendant.gateway.config.DataPathConfig;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bounds how long a client may take to send a request over HTTP/1.x, while the gateway reads it, and never while the
 * gateway works on or writes an answer:
 *
 * <ul>
 *   <li>the <b>head</b> (request line and headers) must be complete within {@code gateway.http.header-read-timeout}
 *       (default 10 s) of the connection's opening, and within that long of its own first byte; past it the
 *       connection is closed without an answer, as nginx's {@code client_header_timeout} does (no request was read,
 *       so there is no API to answer in);
 *   <li>an <b>idle keep-alive</b> connection (an answer was written, no byte of a next request yet) is closed after
 *       {@code gateway.http.keep-alive-timeout} (default 75 s, nginx's {@code keepalive_timeout}); it is longer than
 *       the head's bound so that SDK connection pools that reuse a connection after a few seconds' pause rarely race
 *       the close;
 *   <li>the <b>body</b> may pause for at most {@code gateway.http.body-read-timeout} (default 30 s) between two reads
 *       while the gateway wants it (not while Vert.x has stopped reading because the gateway is busy, and not while an
 *       earlier request on the connection is being answered); past it the connection fails with
 *       {@link BodyReadTimeout}, which {@link UnreadableRequests} answers 408 in the addressed API's shape with
 *       {@code Connection: close}; and the whole body must have arrived within {@code gateway.http.body-read-deadline}
 *       (default 120 s) of its head, so a body trickled a byte at a time cannot hold the connection either (the same
 *       408); after a time in which Vert.x stopped reading, the client has at least one whole pause bound to go on.
 *       Which bound a 408 names is the one that ran out first, however late its timer runs. Once a request is answered before its body was read (a refusal), what still arrives of it is
 *       discarded for at most one more {@code gateway.http.body-read-timeout}, then the connection is closed
 *       ({@link Http1ExchangeGuard} half-closes it when the answer is out, nginx's lingering close).
 * </ul>
 *
 * Without these a client that sent half a request line, or announced a body and never sent it (slowloris), held a
 * connection and its buffers for Quarkus' idle timeout (30 minutes); and Quarkus' idle timeout cannot be lowered
 * instead, since it would also end streamed answers that are silent during a long prefill.
 *
 * <p>Where it sits: first in the channel pipeline, added when the connection is accepted (before Vert.x even knows
 * whether it will speak HTTP/1.x or cleartext HTTP/2), so it sees every raw byte read. {@link Http1ExchangeGuard},
 * added later next to Vert.x's handler, reports the decoded events (head read, body read, answer written). An HTTP/2
 * connection removes the clock ({@link QuarkusServerHooks}): its streams are not timed here.
 *
 * <p>Threading: one instance per connection, used on its event loop only.
 */
final class RequestReadClock extends ChannelDuplexHandler {

    /** The handler's name in the channel pipeline. */
    static final String NAME = "ascendant-request-read-clock";

    /**
     * The three bounds.
     *
     * @param header longest time to read a request head, positive
     * @param body longest pause while a request body is read, positive
     * @param keepAlive longest wait for the first byte of a next request after an answer, positive
     * @param bodyDeadline longest time to read a whole request body, from its head, positive
     */
    record Timeouts(Duration header, Duration body, Duration keepAlive, Duration bodyDeadline) {
        /** The configured bounds; a bound that is not positive (or over 24 days) stops start-up. */
        static Timeouts of(DataPathConfig.Http config) {
            return new Timeouts(
                    check("gateway.http.header-read-timeout", config.headerReadTimeout()),
                    check("gateway.http.body-read-timeout", config.bodyReadTimeout()),
                    check("gateway.http.keep-alive-timeout", config.keepAliveTimeout()),
                    check("gateway.http.body-read-deadline", config.bodyReadDeadline()));
        }

        private static Duration check(String key, Duration d) {
            if (d.isNegative() || d.toMillis() < 1 || d.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(key + " must be at least 1 ms and at most 24 days, was " + d);
            }
            return d;
        }
    }

    /**
     * The body of a request paused longer than {@code gateway.http.body-read-timeout} or, when {@link #whole()}, was
     * not complete within {@code gateway.http.body-read-deadline} of its head.
     */
    static final class BodyReadTimeout extends RuntimeException {
        private final Duration timeout;
        private final boolean whole;

        BodyReadTimeout(Duration timeout, boolean whole) {
            super(
                    (whole ? "request body not complete within " : "no byte of the request body for ")
                            + timeout.toMillis()
                            + " ms",
                    null,
                    false,
                    false);
            this.timeout = timeout;
            this.whole = whole;
        }

        /** The configured bound. */
        Duration timeout() {
            return timeout;
        }

        /** The bound on the whole body ran out, not the one on a pause. */
        boolean whole() {
            return whole;
        }
    }

    private enum Bound {
        NONE,
        /** Idle after an answer: no byte of the next request yet. */
        IDLE,
        HEAD,
        BODY
    }

    private final Timeouts timeouts;
    private ChannelHandlerContext ctx;

    /**
     * A request head is expected: from the opening, and from the end of each answer when no other request is being
     * read or answered.
     */
    private boolean awaitingHead = true;
    /** At least one answer was written on this connection (it is a keep-alive connection from then on). */
    private boolean answeredOnce;
    /** Bytes of the expected head have arrived (the head's budget then starts once more, in full). */
    private boolean headStarted;
    /** A request head has been read and its body has not been read to its end. */
    private boolean readingBody;
    /** Requests whose head has been read and whose final answer has not been written to its end. */
    private int unanswered;
    /** Inside {@link #channelRead}: the state is settled once the read is decoded, so no bound is set before. */
    private boolean inRead;

    /** Taken out of the pipeline (the connection speaks HTTP/2): never times anything again. */
    private boolean removed;

    /** The bound in force and when it runs out ({@link System#nanoTime()}). */
    private Bound bound = Bound.NONE;

    private long deadline;
    /**
     * While a body is read: when the whole of it must have arrived ({@code gateway.http.body-read-deadline} from its
     * head; once the request is answered, no later than {@code gateway.http.body-read-timeout} from the answer).
     */
    private long bodyDeadline;
    /** {@link #deadline} is the whole body's ({@link #bodyDeadline}), not the end of a pause. */
    private boolean deadlineIsWhole;
    /**
     * At most one timer per connection, due no later than {@link #deadline}: moving the deadline later (each read of
     * a body, each answer on a keep-alive connection) costs no rescheduling; a timer that finds the deadline moved
     * schedules itself again for the rest.
     */
    private ScheduledFuture<?> timer;

    private long timerDue;

    RequestReadClock(Timeouts timeouts) {
        this.timeouts = timeouts;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        settle();
    }

    /**
     * Removed when the connection turns out to speak HTTP/2 ({@link QuarkusServerHooks}), which happens while the
     * preface or the upgrade request is decoded, that is inside this clock's own {@link #channelRead}: the clock then
     * stays stopped for good, or the settling at the end of that read would start the head bound again and close the
     * HTTP/2 connection, mid-answer, when it ran out.
     */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        removed = true;
        bound = Bound.NONE;
        stopTimer();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stopTimer();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
            if (readingBody && bound == Bound.BODY) {
                deadline = pauseDeadline(System.nanoTime()); // activity: the pause starts again
            } else if (awaitingHead && !headStarted) {
                headStarted = true;
                bound = Bound.NONE; // the head's own budget starts now (settle)
            }
        }
        inRead = true;
        try {
            ctx.fireChannelRead(msg); // decodes: the guard reports what was read
        } finally {
            inRead = false;
        }
        settle();
    }

    /** A request head was read ({@link Http1ExchangeGuard}); {@code body}: a body follows. */
    void headRead(boolean body) {
        awaitingHead = false;
        headStarted = false;
        readingBody = body;
        unanswered++;
        if (body) {
            bodyDeadline = System.nanoTime() + timeouts.bodyDeadline().toNanos();
        }
    }

    /** The end of the pause allowed from {@code now}, never past the whole body's deadline. */
    private long pauseDeadline(long now) {
        long pause = now + timeouts.body().toNanos();
        deadlineIsWhole = pause - bodyDeadline >= 0;
        return deadlineIsWhole ? bodyDeadline : pause;
    }

    /** The request body was read to its end. */
    void bodyRead() {
        readingBody = false;
        if (unanswered == 0) {
            awaitingHead = true; // answered before its body was read (a refusal): the next request or a close
        }
    }

    /** A final answer was written to its end. */
    void answered() {
        answeredOnce = true;
        if (unanswered > 0) {
            unanswered--;
        }
        if (unanswered == 0 && !readingBody) {
            awaitingHead = true; // the next request (keep-alive) or a close
        } else if (unanswered == 0) {
            // Answered before its body was read (a refusal): what still arrives is discarded for at most one pause.
            long linger = System.nanoTime() + timeouts.body().toNanos();
            if (linger - bodyDeadline < 0) {
                bodyDeadline = linger;
            }
            if (bound == Bound.BODY && deadline - bodyDeadline > 0) {
                deadline = bodyDeadline;
                deadlineIsWhole = true;
                startTimer(deadline);
            }
        }
        settle();
    }

    /** Sets the bound that suits the state: a new one starts in full, the one in force keeps its deadline. */
    private void settle() {
        if (ctx == null || inRead || removed) {
            return;
        }
        Bound wanted;
        if (awaitingHead && unanswered == 0) {
            wanted = answeredOnce && !headStarted ? Bound.IDLE : Bound.HEAD;
        } else if (readingBody && unanswered <= 1) {
            wanted = Bound.BODY;
        } else {
            wanted = Bound.NONE;
        }
        if (wanted == bound) {
            return;
        }
        bound = wanted;
        if (wanted == Bound.NONE) {
            return; // a timer still due finds nothing to do and stops
        }
        long now = System.nanoTime();
        deadline = switch (wanted) {
            case IDLE -> now + timeouts.keepAlive().toNanos();
            case HEAD -> now + timeouts.header().toNanos();
            default -> pauseDeadline(now);
        };
        if (timer == null || timerDue - deadline > 0) {
            startTimer(deadline);
        }
    }

    private void startTimer(long due) {
        stopTimer();
        timerDue = due;
        timer = ctx.executor().schedule(this::due, due - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    private void stopTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void due() {
        timer = null;
        if (removed || bound == Bound.NONE || !ctx.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        if (deadline - now > 0) {
            startTimer(deadline);
            return;
        }
        if (bound == Bound.IDLE) {
            Log.debugf(
                    "Closed an idle keep-alive HTTP connection after %d ms",
                    timeouts.keepAlive().toMillis());
            bound = Bound.NONE;
            ctx.close();
        } else if (bound == Bound.HEAD) {
            Log.debugf(
                    "Closed an HTTP connection that sent no complete request head within %d ms",
                    timeouts.header().toMillis());
            bound = Bound.NONE;
            ctx.close();
        } else if (!ctx.channel().config().isAutoRead() && unanswered == 1) {
            // Vert.x stopped reading (the gateway is not ready for more of the body, for example while it authenticates
            // the request on a loaded machine): neither the client's pause nor its time to send the body. Once reading
            // resumes, the client has at least one whole pause before either bound ends the request.
            deadline = now + timeouts.body().toNanos();
            deadlineIsWhole = false;
            if (deadline - bodyDeadline > 0) {
                bodyDeadline = deadline;
            }
            startTimer(deadline);
        } else if (unanswered == 0) {
            Log.debug("Closed an HTTP connection whose request was answered while its body still arrived");
            bound = Bound.NONE;
            ctx.close();
        } else {
            // The bound that ran out is the one the deadline was set for, not whichever has passed when the timer
            // runs: on a loaded machine a pause's timer can run after the whole body's deadline too.
            boolean whole = deadlineIsWhole;
            Duration limit = whole ? timeouts.bodyDeadline() : timeouts.body();
            Log.debugf(
                    whole
                            ? "HTTP request body not complete within %d ms"
                            : "HTTP request body paused for more than %d ms",
                    limit.toMillis());
            bound = Bound.NONE;
            ctx.fireExceptionCaught(new BodyReadTimeout(limit, whole));
        }
    }
}
