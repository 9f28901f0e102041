package dev.bakery.cdk;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.events.EventField;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.targets.SfnStateMachine;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.stepfunctions.Activity;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.constructs.Construct;

/**
 * The build state machine (cdk/src/main/resources/statemachine/build.asl.json, the same file the local
 * mode runs) with its substitutions, the index publisher it calls, and the Kubernetes bridge's activity
 * when context k8sBridge=true. Its role is written out statement by statement: CDK cannot see into a
 * definition file, and least privilege is easier to check when nothing is inferred.
 */
public final class Pipeline extends Construct {

    /** The activity ARN the definition gets when no bridge is deployed; BuildService then refuses k8s tasks. */
    public static final String NO_BRIDGE_ACTIVITY = "bakery-k8s-bridge-not-deployed";
    /** A bound for anything the task timeouts miss (a bridge that never answers, say). */
    public static final Duration EXECUTION_TIMEOUT = Duration.hours(12);

    private final JavaFunction publishIndex;
    private final Optional<Activity> activity;
    private final String activityArn;
    private final Role role;
    private final StateMachine stateMachine;

    public Pipeline(Construct scope, String id, Storage storage, Network network, BuildCluster builds,
            BakerySettings settings) {
        super(scope, id);
        Stack stack = Stack.of(this);
        publishIndex = new JavaFunction(this, "PublishIndex", settings.repository().functionsJar(),
                "dev.bakery.functions.handler.PublishIndexHandler", Duration.minutes(2),
                Map.of("TABLE_NAME", storage.table().getTableName()), settings.logRetention());
        storage.grantItems(publishIndex.role(), "GetItem", "Query", "UpdateItem");
        RegistryAccess.grant(publishIndex.role(), settings);

        activity = settings.k8sBridge() ? Optional.of(Activity.Builder.create(this, "K8sActivity").build()) : Optional.empty();
        activityArn = activity.map(Activity::getActivityArn).orElseGet(() -> Arns.of(stack, "states", "activity",
                NO_BRIDGE_ACTIVITY, ArnFormat.COLON_RESOURCE_NAME));

        role = Role.Builder.create(this, "Role")
                .assumedBy(new ServicePrincipal("states.amazonaws.com"))
                .description("Bakery build state machine: runs the two agent task definitions and records results")
                .build();
        grant(storage, builds, stack);

        Map<String, String> substitutions = new LinkedHashMap<>();
        substitutions.put("TableName", storage.table().getTableName());
        substitutions.put("ClusterArn", builds.cluster().getClusterArn());
        substitutions.put("SubnetIds", network.subnetIdList());
        substitutions.put("SecurityGroupIds", network.securityGroupIdList());
        substitutions.put("AssignPublicIp", network.assignPublicIp() ? "ENABLED" : "DISABLED");
        substitutions.put("ContainerName", BuildCluster.CONTAINER);
        substitutions.put("PublishIndexFunctionArn", publishIndex.alias().getFunctionArn());
        substitutions.put("EventBusName", "default");
        substitutions.put("K8sActivityArn", activityArn);
        // CDK drops StateMachine's timeout for a definition file: the file carries it as TimeoutSeconds.
        substitutions.put("ExecutionTimeoutSeconds", Long.toString(EXECUTION_TIMEOUT.toSeconds().longValue()));

        LogGroup logs = LogGroup.Builder.create(this, "Logs")
                // Step Functions' log delivery keeps its resource policy small for names under /aws/vendedlogs/.
                .logGroupName("/aws/vendedlogs/states/" + stack.getStackName() + "-builds")
                .retention(settings.logRetention())
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        stateMachine = StateMachine.Builder.create(this, "StateMachine")
                .stateMachineType(StateMachineType.STANDARD)
                .definitionBody(DefinitionBody.fromFile(settings.repository().stateMachineDefinition().toString()))
                .definitionSubstitutions(substitutions)
                .role(role)
                .logs(LogOptions.builder().destination(logs).level(LogLevel.ALL).includeExecutionData(true).build())
                .tracingEnabled(true)
                .build();
        finishStoppedBuilds();
        Nag.suppress(role, Nag.IAM5, "Step Functions' log delivery (logs:*LogDelivery, logs:Describe*) and X-Ray"
                + " (xray:PutTraceSegments and friends) have no resource-level permissions: AWS requires Resource \"*\".",
                Nag.anyResource());
        Nag.suppress(role, Nag.IAM5, "ECS tasks and task definition revisions exist only at run time: RunTask is limited"
                + " to any revision of the two agent families on this cluster, StopTask/DescribeTasks to tasks of this"
                + " cluster, and DeleteSecret to the per-build secrets (bakery/builds/).",
                Nag.resource("ecs", "task-definition/" + builds.amd64().getFamily() + ":*"),
                Nag.resource("ecs", "task-definition/" + builds.arm64().getFamily() + ":*"),
                Nag.matching(Nag.literal(Nag.resource("ecs", "task/<")) + "BuildsCluster[0-9A-F]+>/\\*"),
                Nag.resource("secretsmanager", "secret:" + RegistryAccess.BUILD_SECRETS));
    }

    /**
     * An execution that timed out, failed or was stopped outside the API (the console, say) runs none of its
     * clean-up: its status change starts another execution, {"finish": {buildId, status}}, which marks the
     * build FAILED if it is still QUEUED or RUNNING, closes its open tasks and deletes its secret. Build
     * ids, which name build executions, start with "b-"; EventBridge names the executions it starts
     * otherwise, so a finishing execution never starts another.
     */
    private void finishStoppedBuilds() {
        Rule.Builder.create(this, "FinishStoppedBuilds")
                .description("Bakery: finish a build whose execution ended before it did")
                .eventPattern(EventPattern.builder()
                        .source(List.of("aws.states"))
                        .detailType(List.of("Step Functions Execution Status Change"))
                        .detail(Map.of(
                                "stateMachineArn", List.of(stateMachine.getStateMachineArn()),
                                "status", List.of("FAILED", "TIMED_OUT", "ABORTED"),
                                "name", List.of(Map.of("prefix", "b-"))))
                        .build())
                .targets(List.of(SfnStateMachine.Builder.create(stateMachine)
                        // Sorted: Map.of's order changes from one JVM to the next, and so would the template.
                        .input(RuleTargetInput.fromObject(Map.of("finish", new java.util.TreeMap<>(Map.of(
                                "buildId", EventField.fromPath("$.detail.name"),
                                "status", EventField.fromPath("$.detail.status"))))))
                        .build()))
                .build();
    }

    private void grant(Storage storage, BuildCluster builds, Stack stack) {
        // Mark the build RUNNING and record task failures and the outcome: conditional updates only; find a
        // build's tasks to close the open ones.
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("dynamodb:UpdateItem", "dynamodb:Query"))
                .resources(List.of(storage.table().getTableArn()))
                .build());
        // Any revision of the two agent families (a build started before a deploy names the older revision),
        // and only on this cluster.
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("ecs:RunTask"))
                .resources(builds.taskDefinitions().stream().map(definition -> familyArn(definition, stack)).toList())
                .conditions(Map.of("ArnEquals", Map.of("ecs:cluster", builds.cluster().getClusterArn())))
                .build());
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("ecs:StopTask", "ecs:DescribeTasks"))
                .resources(List.of(Arns.of(stack, "ecs", "task", builds.cluster().getClusterName() + "/*", ArnFormat.SLASH_RESOURCE_NAME)))
                .build());
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("iam:PassRole"))
                .resources(List.of(builds.taskRole().getRoleArn(), builds.executionRole().getRoleArn()))
                .conditions(Map.of("StringEquals", Map.of("iam:PassedToService", "ecs-tasks.amazonaws.com")))
                .build());
        // RunTask.sync waits on ECS task state events through this managed rule.
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("events:PutTargets", "events:PutRule", "events:DescribeRule"))
                .resources(List.of(Arns.of(stack, "events", "rule", "StepFunctionsGetEventsForECSTaskRule",
                        ArnFormat.SLASH_RESOURCE_NAME)))
                .build());
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("events:PutEvents"))
                .resources(List.of(Arns.of(stack, "events", "event-bus", "default", ArnFormat.SLASH_RESOURCE_NAME)))
                .build());
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("lambda:InvokeFunction"))
                .resources(List.of(publishIndex.alias().getFunctionArn()))
                .build());
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("secretsmanager:DeleteSecret"))
                .resources(List.of(Arns.of(stack, "secretsmanager", "secret", RegistryAccess.BUILD_SECRETS, ArnFormat.COLON_RESOURCE_NAME)))
                .build());
    }

    /** {@code arn:...:task-definition/<family>:*}: the family, any revision. */
    static String familyArn(FargateTaskDefinition definition, Stack stack) {
        return Arns.of(stack, "ecs", "task-definition", definition.getFamily() + ":*", ArnFormat.SLASH_RESOURCE_NAME);
    }

    public JavaFunction publishIndex() {
        return publishIndex;
    }

    public Optional<Activity> activity() {
        return activity;
    }

    /** The bridge's activity, or the placeholder ARN when there is no bridge. */
    public String activityArn() {
        return activityArn;
    }

    public Role role() {
        return role;
    }

    public StateMachine stateMachine() {
        return stateMachine;
    }
}
