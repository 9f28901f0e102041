package dev.bakery.functions.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A JSON answer: status and body. */
public record ApiResponse(int status, String body) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static ApiResponse of(int status, JsonNode body) {
        return new ApiResponse(status, body.toString());
    }

    /** {@code {"error": code, "message": ..., "path": ...}}; path only when there is one. */
    public static ApiResponse error(ApiException e) {
        ObjectNode body = JSON.createObjectNode();
        body.put("error", e.code());
        body.put("message", e.getMessage());
        if (e.path() != null) {
            body.put("path", e.path());
        }
        return of(e.status(), body);
    }
}
