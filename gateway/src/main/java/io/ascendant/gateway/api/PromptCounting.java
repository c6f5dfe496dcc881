package io.ascendant.gateway.api;

import io.ascendant.gateway.metering.TokenCounter;
import io.quarkus.arc.ClientProxy;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.Consumer;

/**
 * Counts a request's prompt tokens once, with the shared tokenizer and chat template: the one count ({@link
 * RequestState#promptTokens}) that the context window, admission, dispatch and a gateway-counted usage record all use.
 *
 * <p>Where the work runs: a short prompt is counted on the request's event loop; a long one, or any while the
 * tokenizer is still loading, on a worker thread. A large body is parsed and translated on a worker thread as well
 * ({@link #prepareOnWorker}), since a few MiB of JSON would hold the event loop, and every other request on it, for a
 * good part of a second. Whatever ran on a worker continues on the request's event loop.
 *
 * <p>The continuations: {@code counted} runs once {@link RequestState#prepared} and {@link RequestState#promptTokens}
 * are set; {@code failed} gets what went wrong on a worker thread, or thrown by {@code counted} after a worker thread
 * (both on the event loop). Counted on the event loop, a failure, of counting or of {@code counted}, is thrown to the
 * caller instead.
 */
@ApplicationScoped
class PromptCounting {
    /**
     * Prompts up to this many characters (about 4,096 tokens) are counted on the event loop; longer ones on a worker
     * thread, as admission used to count them.
     */
    static final int MAX_EVENT_LOOP_PROMPT_CHARS = 16 * 1024;

    @Inject
    TokenCounter tokenCounter;

    /** The data path calls the counter's instance directly (see {@link DataPathPipeline}). */
    @PostConstruct
    void callInstanceDirectly() {
        tokenCounter = ClientProxy.unwrap(tokenCounter);
    }

    /** Parses, translates ({@link TenantProtocol#prepare}) and counts the body {@code raw} on a worker thread. */
    void prepareOnWorker(
            RequestState st,
            TenantProtocol protocol,
            Context ctx,
            Buffer raw,
            Runnable counted,
            Consumer<RuntimeException> failed) {
        ctx.<PreparedRequest>executeBlocking(
                        () -> {
                            PreparedRequest prepared = protocol.prepare(Json.parseObject(raw), st.caller);
                            st.promptTokens = tokenCounter.countPrompt(prepared.hostBody(), prepared.promptText());
                            return prepared;
                        },
                        false)
                .onComplete(backOnContext(ctx, prepared -> st.prepared = prepared, counted, failed));
    }

    /**
     * Counts the prompt of {@link RequestState#prepared}: here when {@code ctx} is null (no event loop) or the prompt
     * is short and the tokenizer ready, otherwise on a worker thread.
     */
    void count(RequestState st, Context ctx, Runnable counted, Consumer<RuntimeException> failed) {
        PreparedRequest p = st.prepared;
        if (ctx == null || (tokenCounter.ready() && p.promptText().length() <= MAX_EVENT_LOOP_PROMPT_CHARS)) {
            st.promptTokens = tokenCounter.countPrompt(p.hostBody(), p.promptText());
            counted.run();
            return;
        }
        ctx.<Long>executeBlocking(() -> tokenCounter.countPrompt(p.hostBody(), p.promptText()), false)
                .onComplete(backOnContext(ctx, tokens -> st.promptTokens = tokens, counted, failed));
    }

    /** A worker's result back on the request's event loop: {@code store} keeps it, then {@code counted} continues. */
    private static <T> Handler<AsyncResult<T>> backOnContext(
            Context ctx, Consumer<T> store, Runnable counted, Consumer<RuntimeException> failed) {
        return ar -> RequestContexts.onContext(ctx, () -> {
            try {
                if (ar.failed()) {
                    throw ar.cause() instanceof RuntimeException r ? r : new IllegalStateException(ar.cause());
                }
                store.accept(ar.result());
                counted.run();
            } catch (RuntimeException e) {
                failed.accept(e);
            }
        });
    }
}
