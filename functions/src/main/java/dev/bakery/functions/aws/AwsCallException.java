package dev.bakery.functions.aws;

/**
 * An AWS call failed: the service answered with an error, or could not be reached.
 * The message names the operation (callers reword it to name the secret or registry too); the AWS
 * error type and message are kept apart so that callers can tell "not found" from "access denied".
 */
public class AwsCallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String target;
    private final int status;
    private final String errorType;
    private final String awsMessage;

    /** An error answer from the service. */
    public AwsCallException(String target, int status, String errorType, String awsMessage) {
        super(target + " failed: " + describe(status, errorType, awsMessage));
        this.target = target;
        this.status = status;
        this.errorType = errorType;
        this.awsMessage = awsMessage;
    }

    /** No answer at all (connection failure, no credentials). */
    public AwsCallException(String target, String message, Throwable cause) {
        super(message, cause);
        this.target = target;
        this.status = 0;
        this.errorType = null;
        this.awsMessage = null;
    }

    /** The same failure told in the caller's terms; the original stays as the cause. */
    public AwsCallException(String message, AwsCallException cause) {
        super(message, cause);
        this.target = cause.target;
        this.status = cause.status;
        this.errorType = cause.errorType;
        this.awsMessage = cause.awsMessage;
    }

    /** {@code X-Amz-Target} of the failed call, e.g. {@code secretsmanager.GetSecretValue}. */
    public String target() {
        return target;
    }

    /** The HTTP status, or 0 when the service could not be reached. */
    public int status() {
        return status;
    }

    /** The AWS error code without namespace, e.g. {@code ResourceNotFoundException}; null if none was given. */
    public String errorType() {
        return errorType;
    }

    /** The service's own explanation; null if none was given. */
    public String awsMessage() {
        return awsMessage;
    }

    /** {@code "ErrorType: message"}, to put in parentheses after a sentence of the caller's own. */
    public String awsError() {
        return describe(status, errorType, awsMessage);
    }

    private static String describe(int status, String errorType, String awsMessage) {
        String type = errorType != null ? errorType : "HTTP " + status;
        return awsMessage == null || awsMessage.isBlank() ? type : type + ": " + awsMessage;
    }
}
