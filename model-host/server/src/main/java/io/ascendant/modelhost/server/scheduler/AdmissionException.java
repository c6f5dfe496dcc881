package io.ascendant.modelhost.server.scheduler;

/** A request the scheduler will not take now: queue full (429) or draining/not ready (503). */
public final class AdmissionException extends RuntimeException {
    private final int status;

    public AdmissionException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** HTTP status: 429 (waiting queue full) or 503 (draining or loading). */
    public int status() {
        return status;
    }
}
