package dev.bakery.aws;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/** What a failed SDK call says, in the pieces our messages are made of. */
public final class AwsErrors {

    private AwsErrors() {
    }

    /** The service's error code, e.g. {@code ResourceNotFoundException}; null when no service answered. */
    public static String code(SdkException e) {
        return e instanceof AwsServiceException service && service.awsErrorDetails() != null
                ? service.awsErrorDetails().errorCode() : null;
    }

    /** Did a service answer (with an error), as opposed to no answer at all (no connection, no credentials)? */
    public static boolean answered(SdkException e) {
        return e instanceof AwsServiceException;
    }

    /**
     * {@code "Code: message"} of a service's answer, to put in parentheses after a sentence of the
     * caller's own; for no answer, the SDK's account of what failed.
     */
    public static String describe(SdkException e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            AwsErrorDetails details = service.awsErrorDetails();
            String code = details.errorCode() != null ? details.errorCode() : "HTTP " + service.statusCode();
            String message = details.errorMessage();
            return message == null || message.isBlank() ? code : code + ": " + message;
        }
        return e.getMessage();
    }

    /**
     * The same failure told in the caller's terms: the same exception type and error details (so
     * callers still tell "not found" from "access denied"), the original as the cause.
     */
    public static SdkException reword(SdkException e, String message) {
        return e.toBuilder().message(message).cause(e).build();
    }
}
