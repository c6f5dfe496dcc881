package io.ascendant.gateway.platform;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Watches the exchanges of one HTTP/1.x connection between Netty's HTTP codec and Vert.x's connection handler, and
 * closes the connection after an answer that says {@code Connection: close}.
 *
 * <p>Why: Vert.x 4.5 closes an HTTP/1.1 connection only when the <em>request</em> asked for it; a
 * {@code Connection: close} the application puts on the answer (every refusal given before the body is read:
 * {@link ConnectionClose}) is sent but not acted on. Quarkus then resumes the unread body once the answer is out, so
 * the body was drained and the connection stayed open for the next request: a client that believed the header and
 * read to the end of the stream waited for the idle timeout (30 minutes), and bytes it sent after the refused body
 * were served as a new request. Here, once such an answer is written, the connection is closed at once when its
 * request has been read to its end; when its body is still arriving, the connection is half-closed after the answer
 * and the rest of the body is read and dropped until it ends or the {@link RequestReadClock} gives up on it
 * ({@link #linger}): the client gets the whole answer, and the close does not come while the client is still sending,
 * which would reset the connection and could lose the answer. An answer given before its request's body was read
 * says {@code Connection: close} itself when more than {@link #DRAIN_LIMIT} bytes of that body are still to come
 * (a trickled body would otherwise hold the connection while it was drained). Requests pipelined behind that one are
 * never handed to Vert.x.
 *
 * <p>It also keeps answers from being lost to a body the decoder cannot read: an answer written in the same read as
 * the failure is flushed before Vert.x closes ({@link #exceptionCaught}), and a broken body of a request pipelined
 * behind one still being answered waits for that answer ({@link #deferUnreadableBody}).
 *
 * <p>Threading: one instance per connection, called on the connection's event loop only (Netty's handler contract),
 * so its fields need no synchronisation. Installed by {@link QuarkusServerHooks} when Vert.x creates the connection.
 */
final class Http1ExchangeGuard extends ChannelDuplexHandler {

    /** The handler's name in the channel pipeline. */
    static final String NAME = "ascendant-http1-exchange-guard";
    /** Vert.x's name for its connection handler, the last handler of an HTTP/1.x pipeline. */
    private static final String VERTX_HANDLER = "handler";

    /**
     * Most bytes of a body still to come that are drained, the connection kept, after an answer given before the body
     * was read; a larger (or chunked) rest ends the connection after the answer.
     */
    static final long DRAIN_LIMIT = 64 * 1024;

    /** Bytes of the body being read still to come by its Content-Length; -1 when chunked (not known). */
    private long bodyLeft;

    /** A request head has been read and its body has not been read to its end. */
    private boolean readingBody;
    /** A final (not 1xx) answer's head has been written, its end has not. */
    private boolean inAnswer;
    /** The answer being written says {@code Connection: close}. */
    private boolean closeAfterAnswer;
    /** An answer that said {@code Connection: close} is written: close once the request is read, serve no other. */
    private boolean closing;
    /** Requests whose head has been read and whose final answer has not been written to its end. */
    private int unanswered;
    /** The head of the request being read. */
    private HttpRequest reading;
    /** The answer is out and the connection half-closed: the rest of the refused body is read and dropped. */
    private boolean lingering;
    /** A pipelined request's body could not be decoded: nothing after it can be read. */
    private boolean broken;

    /** Told what was read and written; null when the connection was accepted before the clock was installed. */
    private final RequestReadClock clock;

    private Http1ExchangeGuard(RequestReadClock clock) {
        this.clock = clock;
    }

    /**
     * Adds a guard to the pipeline of a new HTTP/1.x connection, in front of Vert.x's handler, reporting to the
     * connection's {@link RequestReadClock} if it has one.
     */
    static void install(ChannelPipeline pipeline) {
        if (pipeline.get(NAME) == null && pipeline.get(VERTX_HANDLER) != null) {
            pipeline.addBefore(VERTX_HANDLER, NAME, new Http1ExchangeGuard(pipeline.get(RequestReadClock.class)));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (lingering) {
            // The rest of a refused body: read only so that the close does not reset the connection (the client could
            // lose the answer), never handed on; its end ends the connection.
            boolean end = msg instanceof LastHttpContent;
            ReferenceCountUtil.release(msg);
            if (end) {
                readingBody = false;
                if (clock != null) {
                    clock.bodyRead();
                }
                ctx.close();
            }
            return;
        }
        if ((closing && !readingBody) || broken) {
            ReferenceCountUtil.release(msg); // after the answered (or the unreadable) request: never served
            return;
        }
        if (msg instanceof HttpRequest request) {
            Refusal refusal = request.decoderResult().isSuccess() ? RequestHeadRules.refusal(request) : null;
            if (refusal != null) {
                refuseHead(ctx, request, refusal);
                return;
            }
            reading = request;
            unanswered++;
            readingBody = !(msg instanceof LastHttpContent);
            bodyLeft = HttpUtil.isTransferEncodingChunked(request) ? -1 : HttpUtil.getContentLength(request, 0L);
            if (clock != null) {
                clock.headRead(readingBody);
            }
        } else if (msg instanceof HttpContent content && content.decoderResult().isFailure() && unanswered > 1) {
            deferUnreadableBody(ctx, content);
            return;
        } else if (msg instanceof LastHttpContent) {
            bodyLeft = 0;
            readingBody = false;
            if (clock != null) {
                clock.bodyRead();
            }
        }
        if (msg instanceof HttpContent content && bodyLeft > 0) {
            bodyLeft -= content.content().readableBytes();
        }
        ctx.fireChannelRead(msg);
        if (closing && !readingBody) {
            flushAndClose(ctx);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            inAnswer = true;
            if (readingBody && unanswered == 1 && (bodyLeft < 0 || bodyLeft > DRAIN_LIMIT)) {
                // Answered before its body was read (a refusal: 401, 403, 404, 413, 429...): the body is not wanted,
                // and draining it would let a client that trickles it hold the connection. A small rest is drained,
                // which keeps the connection.
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            closeAfterAnswer =
                    response.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true);
        }
        ctx.write(msg, promise);
        if (inAnswer && msg instanceof LastHttpContent) {
            inAnswer = false;
            unanswered--;
            if (clock != null) {
                clock.answered();
            }
            if (closeAfterAnswer && !closing) {
                closing = true;
                if (!readingBody) {
                    flushAndClose(ctx);
                } else {
                    linger(ctx);
                }
            }
        }
    }

    /**
     * The body of a request pipelined behind one still being answered could not be decoded (malformed chunk framing).
     * Handed on, the failure would fail the whole connection at once, and the request still being answered would lose
     * its answer to the 400 meant for the one behind it. Instead the broken request ends here (Vert.x queues it until
     * its turn) with the decoding failure moved onto its head: when its turn comes, Vert.x passes it to the
     * invalid-request handler ({@link UnreadableRequests}), which answers 400 and closes the connection. The decoder
     * reads nothing after the failure; neither does this guard.
     */
    private void deferUnreadableBody(ChannelHandlerContext ctx, HttpContent failed) {
        Throwable cause = failed.decoderResult().cause();
        ReferenceCountUtil.release(failed);
        reading.setDecoderResult(DecoderResult.failure(new UnreadableBody(cause)));
        broken = true;
        readingBody = false;
        if (clock != null) {
            clock.bodyRead();
        }
        ctx.fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
    }

    /**
     * The head breaks a rule of {@link RequestHeadRules} (a {@code Transfer-Encoding} other than {@code chunked}, a
     * missing or repeated {@code Host}, an unsupported version): where its body ends, and so where a next request
     * would start, is not known for sure. The request goes to Vert.x with the refusal as its decoding failure and
     * ends there (Vert.x passes it, in its turn, to the invalid-request handler, {@link UnreadableRequests}, which
     * answers with {@code Connection: close}); nothing read after its head is handed on, so its body is never
     * served as a request of its own.
     */
    private void refuseHead(ChannelHandlerContext ctx, HttpRequest head, Refusal refusal) {
        head.setDecoderResult(DecoderResult.failure(new RefusedHead(refusal)));
        reading = head;
        unanswered++;
        broken = true;
        readingBody = false;
        if (clock != null) {
            clock.headRead(false);
        }
        ctx.fireChannelRead(head);
        if (!(head instanceof LastHttpContent)) {
            ctx.fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
        }
    }

    /** A request head that {@link RequestHeadRules} refuses, with how. */
    static final class RefusedHead extends DecoderException {
        private final transient Refusal refusal;

        RefusedHead(Refusal refusal) {
            super(refusal.error().getMessage());
            this.refusal = refusal;
        }

        /** The answer to give. */
        Refusal refusal() {
            return refusal;
        }
    }

    /** A request body that could not be decoded, found while an earlier request on the connection was answered. */
    static final class UnreadableBody extends DecoderException {
        UnreadableBody(Throwable cause) {
            super(cause);
        }
    }

    /**
     * Writes out what is pending, then hands the failure on. Vert.x closes the channel right after it has handed a
     * failure to the connection's and the request's handlers, and a close drops what was written but not flushed
     * (Vert.x holds writes made while it reads): an answer given in the same read as the failure (a 401 given before
     * the body was read, whose chunk framing then turned out broken) was lost, and the client saw the connection
     * close without any answer.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.flush();
        ctx.fireExceptionCaught(cause);
    }

    /**
     * The answer is written and the body of its request is still arriving: sends the answer and the end of the stream
     * (a half-close, so the client reads the whole answer and stops sending), then reads and discards the rest of the
     * body until it ends, and closes; the {@link RequestReadClock} closes the connection sooner if the rest does not
     * come within one {@code gateway.http.body-read-timeout}. nginx's lingering close: closing at once, with
     * unread bytes, would reset the connection, and a client still sending could lose the answer.
     */
    private void linger(ChannelHandlerContext ctx) {
        lingering = true;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
            if (ctx.channel() instanceof DuplexChannel duplex && duplex.isActive()) {
                duplex.shutdownOutput();
            }
        });
        ctx.channel().config().setAutoRead(true); // the body may have been paused by the gateway: take it in, drop it
    }

    /** Writes out what is pending (Vert.x holds writes made while it reads), then closes. */
    private static void flushAndClose(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
}
