package dev.bakery.agent.result;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.agent.log.AgentLog;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The ARN of the Fargate task the agent runs in, which the task item records as its runner, so a
 * user can find the task in the ECS console. It comes from the ECS task metadata endpoint (v4),
 * announced in {@code ECS_CONTAINER_METADATA_URI_V4}; the SDK has no client for that endpoint, and
 * one GET of {@code <uri>/task}, whose JSON names the task in {@code TaskARN}, is all it takes.
 * Off ECS, or when the endpoint does not answer well, there is no ARN and the build goes on.
 */
public final class EcsTaskArn {

    static final String METADATA_URI = "ECS_CONTAINER_METADATA_URI_V4";
    private static final ObjectMapper JSON = new ObjectMapper();

    private EcsTaskArn() {
    }

    public static Optional<String> lookUp(Map<String, String> env, Duration timeout, AgentLog log) {
        String base = env.get(METADATA_URI);
        if (base == null || base.isBlank()) {
            return Optional.empty();
        }
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/task")).timeout(timeout).build(),
                    HttpResponse.BodyHandlers.ofString());
            String arn = response.statusCode() == 200 ? JSON.readTree(response.body()).path("TaskARN").asText("") : "";
            if (arn.startsWith("arn:")) {
                return Optional.of(arn);
            }
            log.warn("agent", "the ECS task metadata endpoint answered " + response.statusCode()
                    + " without a task ARN; the task item will not name its Fargate task");
        } catch (IOException | IllegalArgumentException e) {
            log.warn("agent", "the ECS task metadata endpoint could not be read (" + e.getMessage()
                    + "); the task item will not name its Fargate task");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }
}
