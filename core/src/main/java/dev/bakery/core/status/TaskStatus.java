package dev.bakery.core.status;

/** One task's life: PENDING until its container starts, then RUNNING, then a final state. */
public enum TaskStatus {
    PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
