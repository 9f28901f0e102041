package dev.bakery.cli.api;

import dev.bakery.core.retry.Backoff;
import dev.bakery.core.api.ApiModel;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Bakery REST API (API Gateway in AWS, the local mode on 127.0.0.1): contexts, builds, status,
 * cancel, list and log replay. Answers are parsed into {@link ApiModel} records; refusals become
 * {@link ApiException}s carrying the API's code and sentence.
 */
public final class BakeryApi {

    public static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** A stopped CI job is killed a few seconds after its signal: the cancel must fit in them. */
    private static final Transport.Retry HURRIED = new Transport.Retry(2, new Backoff(Duration.ofMillis(200), Duration.ofMillis(500)));
    private static final Map<String, String> JSON_HEADERS = Map.of("Content-Type", "application/json",
            "Accept", "application/json");

    private final Endpoint endpoint;
    private final Transport transport;
    private final Duration timeout;

    public BakeryApi(Endpoint endpoint, Transport transport) {
        this(endpoint, transport, TIMEOUT);
    }

    private BakeryApi(Endpoint endpoint, Transport transport, Duration timeout) {
        this.endpoint = endpoint;
        this.transport = transport;
        this.timeout = timeout;
    }

    /** The same API with one quick retry and short timeouts, for a process that is being stopped. */
    public BakeryApi hurried() {
        return new BakeryApi(endpoint, new Transport(transport.client(), HURRIED), Duration.ofSeconds(4));
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public Transport transport() {
        return transport;
    }

    public ApiModel.ContextOffer offerContext(ApiModel.ContextClaim claim) throws InterruptedException {
        return call("POST", "contexts", Map.of(), JSON.valueToTree(claim), ApiModel.ContextOffer.class);
    }

    public ApiModel.Submitted submit(ApiModel.Submission submission) throws InterruptedException {
        return call("POST", "builds", Map.of(), JSON.valueToTree(submission), ApiModel.Submitted.class);
    }

    public ApiModel.BuildView build(String buildId) throws InterruptedException {
        return call("GET", "builds/" + segment(buildId), Map.of(), null, ApiModel.BuildView.class);
    }

    /** @param status a build status to filter on, or null; @param next the previous page's token, or null */
    public ApiModel.BuildList list(int limit, String status, String next) throws InterruptedException {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("limit", Integer.toString(limit));
        query.put("status", status);
        query.put("next", next);
        return call("GET", "builds", query, null, ApiModel.BuildList.class);
    }

    public ApiModel.Cancelled cancel(String buildId) throws InterruptedException {
        return call("DELETE", "builds/" + segment(buildId), Map.of(), null, ApiModel.Cancelled.class);
    }

    /** One page of a build's stored lines from {@code since} (epoch ms); {@code next} continues a previous page. */
    public ApiModel.LogPage logs(String buildId, long since, String next) throws InterruptedException {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("since", Long.toString(since));
        query.put("next", next);
        return call("GET", "builds/" + segment(buildId) + "/logs", query, null, ApiModel.LogPage.class);
    }

    private <T> T call(String method, String path, Map<String, String> query, JsonNode body, Class<T> type)
            throws InterruptedException {
        URI uri = endpoint.resolve(path + queryString(query));
        byte[] bytes = body == null ? new byte[0] : body.toString().getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> response = transport.send(Transport.Call.of(method, uri, JSON_HEADERS, bytes, timeout),
                endpoint.signer());
        if (response.statusCode() >= 300) {
            throw refusal(method, path, response);
        }
        try {
            return JSON.readValue(response.body(), type);
        } catch (IOException e) {
            throw new ApiException(response.statusCode(), "invalid_answer", method + " /" + path
                    + " answered something that is not the expected JSON: " + e.getMessage(), null);
        }
    }

    /** The API's error JSON if there is one; API Gateway's own refusals ({"message": ...}) too. */
    private static ApiException refusal(String method, String path, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        String text = new String(response.body(), StandardCharsets.UTF_8);
        try {
            JsonNode error = JSON.readTree(text);
            if (error != null && error.hasNonNull("message")) {
                String code = error.path("error").asText(error.path("__type").asText("http_" + status));
                return new ApiException(status, code, error.get("message").asText(),
                        error.hasNonNull("path") ? error.get("path").asText() : null);
            }
        } catch (IOException notJson) {
            // fall through: say what came back
        }
        String shown = text.isBlank() ? "(empty body)" : text.length() > 300 ? text.substring(0, 300) + "…" : text;
        return new ApiException(status, "http_" + status, method + " /" + path + " answered HTTP " + status + ": " + shown, null);
    }

    private static String queryString(Map<String, String> query) {
        String joined = query.entrySet().stream().filter(e -> e.getValue() != null)
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("&"));
        return joined.isEmpty() ? "" : "?" + joined;
    }

    private static String segment(String buildId) {
        return URLEncoder.encode(buildId, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
