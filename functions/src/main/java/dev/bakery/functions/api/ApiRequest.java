package dev.bakery.functions.api;

import java.util.Map;

/**
 * An API call as the handlers see it, whatever carried it (API Gateway's proxy event in AWS, the
 * local mode's HTTP server on one machine).
 *
 * @param route     method and resource template, e.g. {@code GET /builds/{id}}
 * @param principal the caller's IAM principal ARN (API Gateway's {@code userArn})
 * @param body      the decoded body, or null
 */
public record ApiRequest(String route, Map<String, String> pathParameters, Map<String, String> query, String body,
        String principal, String requestId) {

    public ApiRequest {
        pathParameters = pathParameters == null ? Map.of() : Map.copyOf(pathParameters);
        query = query == null ? Map.of() : Map.copyOf(query);
    }
}
