package dev.bakery.functions.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.core.api.ApiModel;
import dev.bakery.functions.errors.Refusal;

/** A JSON answer: status and body. */
public record ApiResponse(int status, String body) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** @param body one of {@link ApiModel}'s records (or any value Jackson writes) */
    public static ApiResponse of(int status, Object body) {
        try {
            return new ApiResponse(status, JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an answer record always serializes", e);
        }
    }

    /** {@code {"error": code, "message": ..., "path": ...}}; path only when there is one. */
    public static ApiResponse error(Refusal refusal) {
        return of(status(refusal.kind()), new ApiModel.ApiError(refusal.code(), refusal.getMessage(), refusal.path()));
    }

    /** The one place where a domain refusal becomes an HTTP status. */
    static int status(Refusal.Kind kind) {
        return switch (kind) {
            case INVALID -> 400;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case TOO_LARGE -> 413;
            case UNPROCESSABLE -> 422;
            case UPSTREAM_FAILED -> 502;
        };
    }
}
