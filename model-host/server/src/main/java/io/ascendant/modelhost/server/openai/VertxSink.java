package io.ascendant.modelhost.server.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;

/** {@link ResponseSink} on a Vert.x response: every write runs on the connection's context, in call order. */
final class VertxSink implements ResponseSink {
    private final Context context;
    private final HttpServerResponse response;
    private volatile boolean started;
    private boolean headersSent; // on the context only

    VertxSink(Context context, HttpServerResponse response) {
        this.context = context;
        this.response = response;
    }

    @Override
    public void open() {
        started = true;
        context.runOnContext(v -> {
            if (!response.closed() && !response.ended()) {
                head();
                response.writeHead();
            }
        });
    }

    @Override
    public void event(ObjectNode json) {
        started = true;
        String data = "data: " + json + "\n\n";
        context.runOnContext(v -> {
            if (response.closed() || response.ended()) {
                return;
            }
            head();
            response.write(data);
        });
    }

    @Override
    public void done() {
        started = true;
        context.runOnContext(v -> {
            if (response.closed() || response.ended()) {
                return;
            }
            head();
            response.end("data: [DONE]\n\n");
        });
    }

    private void head() {
        if (!headersSent) {
            headersSent = true;
            response.setStatusCode(200)
                    .setChunked(true)
                    .putHeader("content-type", "text/event-stream")
                    .putHeader("cache-control", "no-cache");
        }
    }

    @Override
    public void json(int status, ObjectNode body) {
        started = true;
        String text = body.toString();
        context.runOnContext(v -> {
            if (response.closed() || response.ended()) {
                return;
            }
            response.setStatusCode(status)
                    .putHeader("content-type", "application/json")
                    .end(text);
        });
    }

    @Override
    public boolean started() {
        return started;
    }
}
