package dev.bakery.local;

import java.util.Map;
import software.amazon.awssdk.regions.Region;

/**
 * The names the local mode gives to what AWS would provide: account, region, principal, the table
 * and bucket, and the ARNs the state machine's {@code ${...}} substitutions and the execution input
 * carry (contracts, section 1). The credentials are {@link LocalKeys}, new at every start.
 */
public final class LocalAws {

    public static final String ACCOUNT = "000000000000";
    public static final Region REGION = Region.US_EAST_1;
    /** The identity every local request carries (contracts, section 3). */
    public static final String PRINCIPAL = "arn:aws:iam::" + ACCOUNT + ":user/bakery-local";

    public static final String TABLE = "bakery";
    /** What the status notifier's events name as their source: the table's stream in AWS, its change feed here. */
    public static final String TABLE_STREAM_ARN = "arn:aws:dynamodb:us-east-1:" + ACCOUNT + ":table/" + TABLE + "/stream/local";
    public static final String CONTEXT_BUCKET = "bakery-contexts";
    public static final String STATE_MACHINE_ARN = "arn:aws:states:us-east-1:" + ACCOUNT + ":stateMachine:bakery-build";
    public static final String CLUSTER_ARN = "arn:aws:ecs:us-east-1:" + ACCOUNT + ":cluster/bakery-local";
    public static final String TASK_DEFINITION_AMD64 = "arn:aws:ecs:us-east-1:" + ACCOUNT + ":task-definition/bakery-agent-amd64:1";
    public static final String TASK_DEFINITION_ARM64 = "arn:aws:ecs:us-east-1:" + ACCOUNT + ":task-definition/bakery-agent-arm64:1";
    public static final String PUBLISH_INDEX_FUNCTION = "arn:aws:lambda:us-east-1:" + ACCOUNT + ":function:bakery-publish-index";
    /** k8s tasks run as local agents too, so the activity exists and BuildService accepts them. */
    public static final String ACTIVITY_ARN = "arn:aws:states:us-east-1:" + ACCOUNT + ":activity:bakery-local-agents";
    public static final String EXECUTION_ARN_PREFIX = "arn:aws:states:us-east-1:" + ACCOUNT + ":execution:bakery-build:";

    private LocalAws() {
    }

    /** The values of the state machine file's {@code ${...}} keys in local mode (the 12-hour bound as in AWS). */
    public static Map<String, String> substitutions() {
        return Map.of("TableName", TABLE, "ClusterArn", CLUSTER_ARN, "SubnetIds", "subnet-local",
                "SecurityGroupIds", "sg-local", "AssignPublicIp", "DISABLED", "ContainerName", "agent",
                "PublishIndexFunctionArn", PUBLISH_INDEX_FUNCTION, "EventBusName", "default",
                "K8sActivityArn", ACTIVITY_ARN, "ExecutionTimeoutSeconds", "43200");
    }
}
