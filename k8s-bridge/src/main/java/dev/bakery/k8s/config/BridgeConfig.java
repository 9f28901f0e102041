package dev.bakery.k8s.config;

import java.util.Objects;

/**
 * Everything the bridge is told at start.
 *
 * @param activityArn   the Step Functions activity whose tasks this bridge runs
 * @param workerName    sent with GetActivityTask (shows in the execution history): the pod name
 * @param namespace     where the Jobs run
 * @param bridgeName    label value marking the Jobs of this bridge, so two bridges in one namespace keep apart
 * @param slots         tasks run at once; no task is taken while all are busy
 * @param table         the DynamoDB table (build plan, task items)
 * @param contextBucket the S3 bucket of the build contexts
 * @param logGroup      the build log group in CloudWatch Logs
 */
public record BridgeConfig(String activityArn, String workerName, String namespace, String bridgeName, int slots,
        String table, String contextBucket, String logGroup, AgentPod agent, Timing timing) {

    public BridgeConfig {
        Objects.requireNonNull(activityArn, "activityArn");
        Objects.requireNonNull(workerName, "workerName");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(bridgeName, "bridgeName");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(contextBucket, "contextBucket");
        Objects.requireNonNull(logGroup, "logGroup");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(timing, "timing");
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be at least 1, not " + slots);
        }
        if (workerName.length() > 80) {
            workerName = workerName.substring(0, 80); // GetActivityTask's limit
        }
    }
}
