package dev.bakery.local.statemachine;

import dev.bakery.store.testing.LocalDynamo;
import java.util.Map;

/** ARN-shaped values for the build state machine's placeholders, as CDK would fill them. */
final class TestDefinitions {

    static final String K8S_ACTIVITY = "arn:aws:states:us-east-1:000000000000:activity:bakery-k8s";
    static final String PUBLISH_INDEX_FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:bakery-publish-index:live";
    static final String CLUSTER = "arn:aws:ecs:us-east-1:000000000000:cluster/bakery";

    static final Map<String, String> SUBSTITUTIONS = Map.of(
            "TableName", LocalDynamo.TABLE,
            "ClusterArn", CLUSTER,
            "SubnetIds", "subnet-0a,subnet-0b",
            "SecurityGroupIds", "sg-0a",
            "AssignPublicIp", "ENABLED",
            "ContainerName", "agent",
            "PublishIndexFunctionArn", PUBLISH_INDEX_FUNCTION,
            "EventBusName", "default",
            "K8sActivityArn", K8S_ACTIVITY,
            "ExecutionTimeoutSeconds", "43200");

    private TestDefinitions() {
    }

    static String buildStateMachine() {
        return AslTemplate.buildStateMachine().substitute(SUBSTITUTIONS);
    }
}
