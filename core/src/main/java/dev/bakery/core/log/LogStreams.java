package dev.bakery.core.log;

import java.util.Optional;

/**
 * The build log group's streams. Each is written by one task run's agent only (the build container
 * has no log driver of its own; its output is inside the agent's lines), and where the stream's name
 * says which build it belongs to, that name, not a line's {@code buildId}, decides where its lines go.
 * An ECS task's stream ({@code build/agent/<ecs task id>}, named by the awslogs driver) does not say.
 */
public final class LogStreams {

    private static final String K8S = "k8s/";
    private static final String LOCAL = "local/";

    private LogStreams() {
    }

    /** The Kubernetes bridge's stream of one Job. */
    public static String k8s(String buildId, String jobName) {
        return K8S + buildId + "/" + jobName;
    }

    /** The local mode's stream of one build. */
    public static String local(String buildId) {
        return LOCAL + buildId;
    }

    /** The build a stream belongs to when its name says so, else empty. */
    public static Optional<String> build(String stream) {
        if (stream.startsWith(K8S) && stream.indexOf('/', K8S.length()) > K8S.length()) {
            return Optional.of(stream.substring(K8S.length(), stream.indexOf('/', K8S.length())));
        }
        if (stream.startsWith(LOCAL) && stream.length() > LOCAL.length() && stream.indexOf('/', LOCAL.length()) < 0) {
            return Optional.of(stream.substring(LOCAL.length()));
        }
        return Optional.empty();
    }
}
