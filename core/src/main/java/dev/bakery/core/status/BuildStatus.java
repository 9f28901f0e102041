package dev.bakery.core.status;

/** A build's life: QUEUED, RUNNING, then one final state it never leaves. */
public enum BuildStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
