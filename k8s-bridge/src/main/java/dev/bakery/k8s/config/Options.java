package dev.bakery.k8s.config;

import io.fabric8.kubernetes.api.model.Toleration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The bridge's settings, each a flag or an environment variable (the flag wins): the Deployment in
 * deploy/ sets the variables. The variable's name is each option's {@code descriptionKey}.
 */
@Command(name = "bakery-k8s-bridge", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs the Step Functions activity tasks of Bakery builds as Kubernetes Jobs.")
public final class Options {

    @Option(names = "--activity-arn", descriptionKey = "BAKERY_ACTIVITY_ARN", required = true,
            description = "The activity whose tasks to run (the stack's K8sActivityArn output). Env: BAKERY_ACTIVITY_ARN")
    String activityArn;

    @Option(names = "--region", descriptionKey = "AWS_REGION", required = true, description = "AWS region. Env: AWS_REGION")
    String region;

    @Option(names = "--table", descriptionKey = "BAKERY_TABLE", required = true,
            description = "DynamoDB table (TableName output). Env: BAKERY_TABLE")
    String table;

    @Option(names = "--context-bucket", descriptionKey = "BAKERY_CONTEXT_BUCKET", required = true,
            description = "S3 bucket of build contexts (ContextBucketName output). Env: BAKERY_CONTEXT_BUCKET")
    String contextBucket;

    @Option(names = "--log-group", descriptionKey = "BAKERY_LOG_GROUP", required = true,
            description = "Build log group (BuildLogGroupName output). Env: BAKERY_LOG_GROUP")
    String logGroup;

    @Option(names = "--agent-image", descriptionKey = "BAKERY_AGENT_IMAGE", required = true,
            description = "The agent image (multi-arch). Env: BAKERY_AGENT_IMAGE")
    String agentImage;

    @Option(names = "--kaniko-image", descriptionKey = "BAKERY_KANIKO_IMAGE", required = true,
            description = "The build container's image: ghcr.io/osscontainertools/kaniko:<version>-debug@sha256:<digest>."
                    + " Env: BAKERY_KANIKO_IMAGE")
    String kanikoImage;

    @Option(names = "--push-role-arn", descriptionKey = "BAKERY_PUSH_ROLE_ARN",
            description = "The role agents assume for ECR logins limited to their task's repositories (the stack's output"
                    + " K8sPushRoleArn, deployed with -c k8sAgentRoleArn=<the agents' role>). Env: BAKERY_PUSH_ROLE_ARN")
    String pushRoleArn;

    @Option(names = "--namespace", descriptionKey = "BAKERY_NAMESPACE",
            description = "Namespace of the Jobs; default: the bridge's own. Env: BAKERY_NAMESPACE")
    String namespace;

    @Option(names = "--bridge-name", descriptionKey = "BAKERY_BRIDGE_NAME", defaultValue = "bakery",
            description = "Labels this bridge's Jobs (bakery.dev/bridge). Env: BAKERY_BRIDGE_NAME, default ${DEFAULT-VALUE}")
    String bridgeName;

    @Option(names = "--worker-name", descriptionKey = "HOSTNAME", defaultValue = "bakery-k8s-bridge",
            description = "Name shown in the execution history: the pod name. Env: HOSTNAME")
    String workerName;

    @Option(names = "--slots", descriptionKey = "BAKERY_SLOTS", defaultValue = "4",
            description = "Tasks run at once. Env: BAKERY_SLOTS, default ${DEFAULT-VALUE}")
    int slots;

    @Option(names = "--agent-service-account", descriptionKey = "BAKERY_AGENT_SERVICE_ACCOUNT",
            description = "Service account of the Jobs (e.g. with an IRSA role). Env: BAKERY_AGENT_SERVICE_ACCOUNT")
    String agentServiceAccount;

    @Option(names = "--image-pull-secret", descriptionKey = "BAKERY_IMAGE_PULL_SECRETS", split = ",",
            description = "Existing pull secret for the agent image; repeatable. Env: BAKERY_IMAGE_PULL_SECRETS (comma-separated)")
    List<String> imagePullSecrets = new ArrayList<>();

    @Option(names = "--toleration", descriptionKey = "BAKERY_TOLERATIONS", split = ",",
            description = "key[=value][:Effect], as kubectl taint writes taints; repeatable. Env: BAKERY_TOLERATIONS (comma-separated)")
    List<String> tolerations = new ArrayList<>();

    @Option(names = "--node-selector", descriptionKey = "BAKERY_NODE_SELECTOR", split = ",",
            description = "key=value added to kubernetes.io/arch; repeatable. Env: BAKERY_NODE_SELECTOR (comma-separated)")
    Map<String, String> nodeSelector = new LinkedHashMap<>();

    @Option(names = "--job-ttl", descriptionKey = "BAKERY_JOB_TTL", defaultValue = "1h", converter = Durations.class,
            description = "Finished Jobs (and their logs) stay this long. Env: BAKERY_JOB_TTL, default ${DEFAULT-VALUE}")
    Duration jobTtl;

    @Option(names = "--heartbeat", descriptionKey = "BAKERY_HEARTBEAT", defaultValue = "30s", converter = Durations.class,
            description = "Between two heartbeats of a task. Env: BAKERY_HEARTBEAT, default ${DEFAULT-VALUE}")
    Duration heartbeat;

    @Option(names = "--poll", descriptionKey = "BAKERY_POLL", defaultValue = "5s", converter = Durations.class,
            description = "Between two looks at a task's pod and log. Env: BAKERY_POLL, default ${DEFAULT-VALUE}")
    Duration poll;

    @Option(names = "--unschedulable-after", descriptionKey = "BAKERY_UNSCHEDULABLE_AFTER", defaultValue = "5m",
            converter = Durations.class,
            description = "A pod no node takes for this long fails its task. Env: BAKERY_UNSCHEDULABLE_AFTER, default ${DEFAULT-VALUE}")
    Duration unschedulableAfter;

    @Option(names = "--url-lifetime", descriptionKey = "BAKERY_URL_LIFETIME", defaultValue = "1h", converter = Durations.class,
            description = "Validity of the presigned context URL. Env: BAKERY_URL_LIFETIME, default ${DEFAULT-VALUE}")
    Duration urlLifetime;

    @Option(names = "--health-port", descriptionKey = "BAKERY_HEALTH_PORT", defaultValue = "8080",
            description = "Port of GET /healthz. Env: BAKERY_HEALTH_PORT, default ${DEFAULT-VALUE}")
    int healthPort;

    /**
     * Parses flags over the environment.
     *
     * @throws CommandLine.ParameterException naming the option (picocli prints it with the usage)
     */
    public static Options parse(String[] args, Map<String, String> env) {
        Options options = new Options();
        CommandLine cli = command(options, env);
        cli.parseArgs(args);
        return options;
    }

    /** The picocli command line, with defaults from {@code env}. */
    public static CommandLine command(Options options, Map<String, String> env) {
        CommandLine cli = new CommandLine(options);
        cli.setDefaultValueProvider(arg -> arg instanceof CommandLine.Model.OptionSpec o && o.descriptionKey() != null
                && env.get(o.descriptionKey()) != null && !env.get(o.descriptionKey()).isBlank()
                ? env.get(o.descriptionKey()) : arg.defaultValue());
        return cli;
    }

    public int healthPort() {
        return healthPort;
    }

    public String namespace() {
        return namespace;
    }

    /**
     * @param namespace the Jobs' namespace: {@code --namespace} if given, else the bridge's own
     * @throws IllegalArgumentException for a malformed toleration, naming it
     */
    public BridgeConfig config(String namespace) {
        List<Toleration> parsed = tolerations.stream().filter(t -> !t.isBlank()).map(Tolerations::parse).toList();
        AgentPod agent = new AgentPod(agentImage, kanikoImage, agentServiceAccount, imagePullSecrets.stream().filter(s -> !s.isBlank()).toList(),
                parsed, nodeSelector, Math.toIntExact(jobTtl.toSeconds()), region, pushRoleArn);
        return new BridgeConfig(activityArn, workerName, namespace, bridgeName, slots, table, contextBucket, logGroup, agent,
                new Timing(heartbeat, poll, unschedulableAfter, urlLifetime));
    }
}
