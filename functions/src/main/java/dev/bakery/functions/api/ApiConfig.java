package dev.bakery.functions.api;

import dev.bakery.core.Arch;
import java.time.Duration;
import java.util.Map;

/**
 * The REST API's settings, from the environment CDK sets; read once at init, failing with the name
 * of the first missing variable.
 */
public record ApiConfig(String region, String table, String contextBucket, String stateMachineArn,
        Map<Arch, String> taskDefinitions, String k8sActivityArn, String logGroup, long maxContextBytes,
        int maxBodyBytes, Duration retention, boolean s3PathStyle) {

    public static ApiConfig fromEnvironment(Map<String, String> env) {
        return new ApiConfig(required(env, "AWS_REGION"), required(env, "TABLE_NAME"), required(env, "CONTEXT_BUCKET"),
                required(env, "STATE_MACHINE_ARN"),
                Map.of(Arch.AMD64, required(env, "TASK_DEFINITION_AMD64"), Arch.ARM64, required(env, "TASK_DEFINITION_ARM64")),
                env.get("K8S_ACTIVITY_ARN"), required(env, "LOG_GROUP"),
                number(env, "MAX_CONTEXT_BYTES", 2L << 30), (int) number(env, "MAX_BODY_BYTES", 1 << 20),
                Duration.ofDays(number(env, "BUILD_RETENTION_DAYS", 90)),
                // S3 emulators on an IP address (the local mode, benchmarks) need path-style URLs.
                Boolean.parseBoolean(env.getOrDefault("BAKERY_S3_PATH_STYLE", "false")));
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set");
        }
        return value;
    }

    private static long number(Map<String, String> env, String name, long fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed <= 0) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalStateException("environment variable " + name + " must be a positive whole number, not " + value);
        }
    }
}
