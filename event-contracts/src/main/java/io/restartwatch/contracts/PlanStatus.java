package io.restartwatch.contracts;

/** The lifecycle of a restart plan. */
public enum PlanStatus {
    /** Created, not approved: nothing is released. */
    DRAFT,
    /** Approved: waves are released one after the other, each once the previous one is verified. */
    RUNNING,
    /** Paused by an operator: no new wave is released; restarts already released go on. */
    PAUSED,
    /** Stopped by itself: a restart failed (not back within the timeout, executor failure). Resume to go on. */
    HALTED,
    /** Every restart verified (or failed and passed over by an operator's resume). */
    COMPLETED,
    /** Cancelled by an operator: restarts not yet begun are cancelled. Final. */
    CANCELLED
}
