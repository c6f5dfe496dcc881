package io.ascendant.gateway.platform;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Makes the answer to a request whose request line could not be parsed go out with an {@code HTTP/1.1} status line.
 *
 * <p>Why: Netty's HTTP decoder stands in for such a request (a line too long, or one that does not split into method,
 * URL and version) with a made-up {@code GET /bad-request HTTP/1.0}, and Vert.x writes every response with its
 * request's version, fixed when the response object is created and not settable through its API. So the answer
 * claimed {@code HTTP/1.0}, though the gateway speaks HTTP/1.1 and the client never said otherwise (RFC 9110 §6.2:
 * a server sends the highest minor version it conforms to). This handler sits in the connection's Netty pipeline just
 * before Vert.x's own handler, so it sees the response head Vert.x writes and sets its version (Vert.x's response head
 * supports {@code setProtocolVersion}); then it removes itself. The connection is closed after that answer anyway.
 *
 * <p>Depends on Vert.x 4.5's {@code ConnectionBase} (internal, as {@link QuarkusServerHooks} already does): if the
 * connection is not one, nothing changes and the status line stays {@code HTTP/1.0}.
 */
final class Http11StatusLine extends ChannelOutboundHandlerAdapter {

    private Http11StatusLine() {}

    /** Installs the handler on the connection of {@code request}; call before its response is written. */
    static void forAnswerTo(HttpServerRequest request) {
        if (request.connection() instanceof ConnectionBase connection) {
            ChannelHandlerContext vertx = connection.channelHandlerContext();
            if (vertx.pipeline().get(Http11StatusLine.class) == null) {
                vertx.pipeline().addBefore(vertx.name(), null, new Http11StatusLine());
            }
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse head) {
            head.setProtocolVersion(HttpVersion.HTTP_1_1);
            ctx.pipeline().remove(this);
        }
        ctx.write(msg, promise);
    }
}
