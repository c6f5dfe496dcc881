package io.ascendant.modelhost.server.loading;

/** Lifecycle of the pod: readiness is true only in {@link #READY}. */
public enum HostState {
    LOADING,
    READY,
    DRAINING,
    FAILED
}
