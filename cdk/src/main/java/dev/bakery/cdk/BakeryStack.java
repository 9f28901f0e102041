package dev.bakery.cdk;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/**
 * Everything Bakery runs on in one account and region, one construct per concern. The outputs are what
 * the CLI ({@code --stack NAME}), the Kubernetes bridge and people look up; their keys are a contract.
 */
public final class BakeryStack extends Stack {

    private final BuildCluster builds;
    private final Pipeline pipeline;
    private final Optional<GitHubAccess> github;

    public BakeryStack(Construct scope, String id, StackProps props, BakerySettings settings) {
        super(scope, id, props);
        Storage storage = new Storage(this, "Storage", settings);
        Network network = new Network(this, "Network", settings);
        builds = new BuildCluster(this, "Builds", network.vpc(), storage, settings);
        LiveLogs live = new LiveLogs(this, "Live", storage, builds, settings);
        pipeline = new Pipeline(this, "Pipeline", storage, network, builds, settings);
        Api api = new Api(this, "Api", storage, builds, pipeline, settings);
        github = settings.githubRepos().isEmpty() ? Optional.empty()
                : Optional.of(new GitHubAccess(this, "GitHub", api, live, settings));
        if (settings.apiGatewayCloudWatchRole()) {
            ApiGatewayAccount account = new ApiGatewayAccount(this, "ApiGatewayAccount");
            account.before(api.restApi().getDeploymentStage());
            account.before(live.stage());
        }

        output("RestApiUrl", api.restApi().getUrl(), "REST API base URL (SigV4, service execute-api)");
        output("WebSocketUrl", live.stage().getUrl(), "WebSocket URL for live logs and status (SigV4 on $connect)");
        output("TableName", storage.table().getTableName(), "DynamoDB table of builds, tasks and subscriptions");
        output("ContextBucketName", storage.bucket().getBucketName(), "S3 bucket of uploaded build contexts");
        output("StateMachineArn", pipeline.stateMachine().getStateMachineArn(), "Build state machine (execution name = build id)");
        output("BuildLogGroupName", builds.logGroup().getLogGroupName(), "CloudWatch Logs group of the build agents");
        output("AgentRepositoryUri", builds.repository().getRepositoryUri(), "ECR repository for agent images (-c agentImage=URI@sha256:...)");
        output("K8sActivityArn", pipeline.activityArn(), settings.k8sBridge()
                ? "Step Functions activity the Kubernetes bridge polls"
                : "Placeholder: no Kubernetes bridge (deploy with -c k8sBridge=true to add its activity)");
        builds.k8sPushRole().ifPresent(role -> output("K8sPushRoleArn", role.getRoleArn(),
                "Push role of the Kubernetes bridge's agents (the bridge's BAKERY_PUSH_ROLE_ARN)"));
        Map<String, String> gitHubOutputs = new HashMap<>();
        github.ifPresent(access -> access.roles().forEach((repo, role) -> {
            String key = GitHubAccess.outputKey(repo);
            String taken = gitHubOutputs.putIfAbsent(key, repo);
            if (taken != null) {
                throw new IllegalArgumentException("context githubRepos: " + taken + " and " + repo + " would share the output "
                        + key + ": deploy one of them from another stack");
            }
            output(key, role.getRoleArn(), "Role for aws-actions/configure-aws-credentials in " + repo);
        }));
    }

    private void output(String key, String value, String description) {
        CfnOutput.Builder.create(this, key).value(value).description(description).build();
    }

    public BuildCluster builds() {
        return builds;
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    public Optional<GitHubAccess> github() {
        return github;
    }
}
