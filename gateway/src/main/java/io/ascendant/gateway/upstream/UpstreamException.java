package io.ascendant.gateway.upstream;

import io.ascendant.gateway.dispatch.Pod;

/**
 * A host-side failure before the first byte reached the client. The subtypes decide the fault-tolerance policy (see
 * {@link UpstreamClient}): only {@link Unreachable}, {@link Unavailable} and {@link PodAbandoned} are retried on
 * another pod; all but {@link ClientGone} count against the pod's circuit breaker. A host's 4xx is not an exception at all: it goes back to the client as the
 * host's answer and never counts against the pod.
 */
public abstract sealed class UpstreamException extends RuntimeException
        permits UpstreamException.Unreachable,
                UpstreamException.Unavailable,
                UpstreamException.ServerError,
                UpstreamException.NoPodLeft,
                UpstreamException.ClientGone,
                UpstreamException.PodAbandoned {
    private final transient Pod pod;

    UpstreamException(Pod pod, String message, Throwable cause) {
        super(message, cause, false, false);
        this.pod = pod;
    }

    /** The pod that failed, or null. */
    public Pod pod() {
        return pod;
    }

    /**
     * Connection refused or reset, connect timeout, or the connection closed (or reset) after it was made, while the
     * request was sent or before the whole answer came back. Both are retried on another pod (nothing reached the
     * client yet), but only the first means the host could not be reached: {@link #connected} tells them apart for
     * the error the client gets when no pod is left.
     */
    public static final class Unreachable extends UpstreamException {
        private final boolean connected;

        /** The host could not be reached: no connection was made. */
        public Unreachable(Pod pod, Throwable cause) {
            this(pod, cause, false);
        }

        /**
         * @param connected true when the connection to the host was made and then closed or reset before the answer
         *     was complete (the host may have crashed while working on the request)
         */
        public Unreachable(Pod pod, Throwable cause, boolean connected) {
            super(
                    pod,
                    "host " + pod + (connected ? " closed the connection: " : " unreachable: ") + cause.getMessage(),
                    cause);
            this.connected = connected;
        }

        /** True when the host was reached and the connection then closed or reset before the answer was complete. */
        public boolean connected() {
            return connected;
        }
    }

    /** The host answered 503 (loading, draining, over its queue cap). */
    public static final class Unavailable extends UpstreamException {
        public Unavailable(Pod pod) {
            super(pod, "host " + pod + " answered 503", null);
        }
    }

    /** The host answered another 5xx; not retried (the request may have run), counts against the pod. */
    public static final class ServerError extends UpstreamException {
        private final int status;

        public ServerError(Pod pod, int status) {
            super(pod, "host " + pod + " answered " + status, null);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** Every pod of the plan was tried (or the retry budget is spent); carries the last failure as cause. */
    public static final class NoPodLeft extends UpstreamException {
        public NoPodLeft(Throwable last) {
            super(null, "no host left to try", last);
        }
    }

    /**
     * The tenant's client left before the answer began: the attempt was aborted on purpose. Never retried, never
     * counted against the pod's breaker.
     */
    public static final class ClientGone extends UpstreamException {
        public ClientGone(Pod pod) {
            super(pod, "client gone; host request aborted", null);
        }
    }

    /**
     * The gateway gave up on the pod (its health checks failed, its circuit opened) while this attempt waited for the
     * first byte: the attempt was reset so that it can be retried on another pod. A paused or black-holed pod keeps
     * its connections open, so without this the attempt would wait out the first-byte timeout.
     */
    public static final class PodAbandoned extends UpstreamException {
        public PodAbandoned(Pod pod, String reason) {
            super(pod, "host " + pod + " given up while the request waited for its first byte: " + reason, null);
        }
    }
}
