package dev.bakery.local.statemachine;

/**
 * A Task state failed the way an AWS integration fails: {@code error} is the name Retry and Catch
 * match (e.g. {@code ECS.AmazonECSException}, {@code DynamoDB.ConditionalCheckFailedException}),
 * {@code cause} the human explanation a Catch passes on as {@code Cause}.
 */
public final class TaskFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final String error;
    private final String cause;

    public TaskFailure(String error, String cause) {
        super(error + ": " + cause);
        if (error == null || error.isBlank()) {
            throw new IllegalArgumentException("a task failure needs an error name");
        }
        this.error = error;
        this.cause = cause == null ? "" : cause;
    }

    public String error() {
        return error;
    }

    public String cause() {
        return cause;
    }
}
