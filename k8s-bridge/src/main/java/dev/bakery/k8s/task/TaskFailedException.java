package dev.bakery.k8s.task;

/** A task cannot go on; its failure is to be reported. */
public final class TaskFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient TaskFailure failure;

    public TaskFailedException(String error, String cause) {
        super(error + ": " + cause);
        this.failure = new TaskFailure(error, cause);
    }

    public TaskFailure failure() {
        return failure;
    }
}
