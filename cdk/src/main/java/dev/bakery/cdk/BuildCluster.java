package dev.bakery.cdk;

import dev.bakery.core.BuildContainer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awscdk.IgnoreMode;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ecr.LifecycleRule;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.ecr.RepositoryAttributes;
import software.amazon.awscdk.services.ecr.TagMutability;
import software.amazon.awscdk.services.ecr.TagStatus;
import software.amazon.awscdk.services.ecr.assets.DockerImageAsset;
import software.amazon.awscdk.services.ecr.assets.Platform;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerDefinition;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerDependency;
import software.amazon.awscdk.services.ecs.ContainerDependencyCondition;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.ContainerInsights;
import software.amazon.awscdk.services.ecs.CpuArchitecture;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.LogDriver;
import software.amazon.awscdk.services.ecs.MountPoint;
import software.amazon.awscdk.services.ecs.OperatingSystemFamily;
import software.amazon.awscdk.services.ecs.RuntimePlatform;
import software.amazon.awscdk.services.ecs.Volume;
import software.amazon.awscdk.services.iam.ArnPrincipal;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * Where builds run: an ECS cluster with the FARGATE and FARGATE_SPOT capacity providers (no instances,
 * nothing to pay while idle) and exactly two task definitions, one per CPU architecture, each with two
 * containers sharing a volume on the task's ephemeral storage: the agent (our Java, essential: the task
 * ends when it does) and the build container ({@link BuildContainer}: the Kaniko fork's debug image,
 * unmodified, started through {@code env -i}, with no environment, secret or log driver of its own: its
 * output reaches CloudWatch only through the agent, masked). Size is a task-level override per build,
 * so builds never add task definition revisions.
 * Both share one task role (what the agent may do) and one execution role (pull the image, write logs),
 * and write to one build log group that the API replays and the log forwarder streams. The agent image
 * is a tag in the stack's own agent repository (context agentImageTag: immutable tags, old ones expire),
 * a registry reference pinned by digest (agentImage), or agent/ built here as Docker image assets
 * (agentImageFromSource=true).
 */
public final class BuildCluster extends Construct {

    /** The agent container's name in both task definitions (the state machine's ${ContainerName}). */
    public static final String CONTAINER = "agent";

    private static final Pattern ECR_IMAGE = Pattern.compile(
            "(\\d{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?/([^:@]+)(?::([^@]+))?(?:@(sha256:[0-9a-f]{64}))?");

    private final Cluster cluster;
    private final LogGroup logGroup;
    private final Role taskRole;
    private final Role executionRole;
    private final Role pushRole;
    private final Optional<Role> k8sPushRole;
    private final FargateTaskDefinition amd64;
    private final FargateTaskDefinition arm64;
    private final Repository repository;

    public BuildCluster(Construct scope, String id, IVpc vpc, Storage storage, BakerySettings settings) {
        super(scope, id);
        cluster = Cluster.Builder.create(this, "Cluster")
                .vpc(vpc)
                .enableFargateCapacityProviders(true)
                .containerInsightsV2(ContainerInsights.ENABLED)
                .build();
        logGroup = LogGroup.Builder.create(this, "BuildLogs")
                .retention(settings.logRetention())
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();

        // The task role is the agent's: the build container never holds its credentials (env -i; the
        // credentials endpoint needs the relative URI only the agent's environment has). It has no ECR
        // rights: the agent assumes the push role with a session policy limited to its task's repositories
        // and hands Kaniko only the token of that session (docs/security.md).
        taskRole = Role.Builder.create(this, "AgentRole")
                .assumedBy(new ServicePrincipal("ecs-tasks.amazonaws.com"))
                .description("Bakery build agent: reads its task and context, records its result, assumes the push role")
                .build();
        storage.grantItems(taskRole, "GetItem", "UpdateItem");
        storage.grantContextRead(taskRole);
        storage.grantContextRemoval(taskRole);
        RegistryAccess.grantSecrets(taskRole, settings);
        pushRole = Role.Builder.create(this, "PushRole")
                .assumedBy(new ArnPrincipal(taskRole.getRoleArn()))
                .description("Bakery builds push to ECR: assumed by the agent with a session policy of one task's repositories")
                .build();
        RegistryAccess.grantEcr(pushRole, settings);
        pushRole.grantAssumeRole(taskRole);
        // The Kubernetes agents' twin: same rights, its own trust, so neither runtime's role can reach the other's
        // push role. TagSession: EKS Pod Identity's session tags are transitive, so chaining from it carries them.
        k8sPushRole = settings.k8sAgentRoleArn().map(agents -> {
            Role role = Role.Builder.create(this, "K8sPushRole")
                    .assumedBy(new ArnPrincipal(agents).withSessionTags())
                    .description("Bakery builds on Kubernetes push to ECR: assumed by the agents' role with a session policy"
                            + " of one task's repositories")
                    .build();
            RegistryAccess.grantEcr(role, settings);
            return role;
        });
        executionRole = Role.Builder.create(this, "ExecutionRole")
                .assumedBy(new ServicePrincipal("ecs-tasks.amazonaws.com"))
                .description("Bakery build agent: ECS pulls the agent image and writes its logs")
                .build();

        repository = Repository.Builder.create(this, "AgentImages")
                .imageTagMutability(TagMutability.IMMUTABLE)
                .imageScanOnPush(true)
                // Counts tags only: each tag is a multi-arch index whose per-arch manifests are untagged, and an
                // untagged rule could expire those of an index still in use.
                .lifecycleRules(List.of(LifecycleRule.builder().rulePriority(1)
                        .description("the ten newest agent image tags stay")
                        .tagStatus(TagStatus.TAGGED).tagPatternList(List.of("*")).maxImageCount(10).build()))
                .removalPolicy(RemovalPolicy.DESTROY)
                .emptyOnDelete(true)
                .build();
        ContainerImage registry = settings.agentImageTag()
                .<ContainerImage>map(tag -> ContainerImage.fromEcrRepository(repository, tag))
                .or(() -> settings.agentImage().map(this::registryImage)).orElse(null);
        amd64 = taskDefinition("Amd64", CpuArchitecture.X86_64, registry != null ? registry
                : assetImage("Amd64", Platform.LINUX_AMD64, settings), storage, settings);
        arm64 = taskDefinition("Arm64", CpuArchitecture.ARM64, registry != null ? registry
                : assetImage("Arm64", Platform.LINUX_ARM64, settings), storage, settings);
        Nag.suppress(executionRole, Nag.IAM5, "ecr:GetAuthorizationToken, which pulling the agent image needs, has no"
                + " resource-level permissions (AWS requires Resource \"*\"); the pull itself is limited to the agent repository.",
                Nag.anyResource());
    }

    private FargateTaskDefinition taskDefinition(String id, CpuArchitecture architecture, ContainerImage image,
            Storage storage, BakerySettings settings) {
        FargateTaskDefinition definition = FargateTaskDefinition.Builder.create(this, id)
                .runtimePlatform(RuntimePlatform.builder()
                        .operatingSystemFamily(OperatingSystemFamily.LINUX)
                        .cpuArchitecture(architecture)
                        .build())
                // The defaults; every build overrides cpu and memory at the task level.
                .cpu(512)
                .memoryLimitMiB(2048)
                // Kaniko unpacks base images and snapshots layers on local disk; the context is there too.
                .ephemeralStorageGiB(settings.ephemeralStorageGiB())
                .taskRole(taskRole)
                .executionRole(executionRole)
                .build();
        // No host: a task-scoped volume on the ephemeral storage, gone with the task.
        definition.addVolume(Volume.builder().name(BuildContainer.VOLUME).build());
        MountPoint shared = MountPoint.builder().sourceVolume(BuildContainer.VOLUME)
                .containerPath(BuildContainer.VOLUME_PATH).readOnly(false).build();
        ContainerDefinition agent = definition.addContainer(CONTAINER, ContainerDefinitionOptions.builder()
                .containerName(CONTAINER)
                .image(image)
                .essential(true)
                // Names only: the agent reads its task from the table (build and task id come as overrides).
                .environment(Map.of(
                        "BAKERY_TABLE", storage.table().getTableName(),
                        "BAKERY_CONTEXT_BUCKET", storage.bucket().getBucketName(),
                        "BAKERY_PUSH_ROLE_ARN", pushRole.getRoleArn(),
                        "AWS_REGION", Stack.of(this).getRegion()))
                .logging(LogDriver.awsLogs(AwsLogDriverProps.builder()
                        .logGroup(logGroup)
                        .streamPrefix("build")
                        .build()))
                .build());
        agent.addMountPoints(shared);
        ContainerDefinition build = definition.addContainer(BuildContainer.NAME, ContainerDefinitionOptions.builder()
                .containerName(BuildContainer.NAME)
                .image(ContainerImage.fromRegistry(settings.kanikoImage()))
                // Not essential: when it ends, the agent records how; the task ends when the agent does.
                .essential(false)
                .entryPoint(BuildContainer.entryPoint())
                .command(BuildContainer.command())
                .build());
        build.addMountPoints(shared);
        // The agent is up before the build container starts waiting for its go-ahead.
        build.addContainerDependencies(ContainerDependency.builder().container(agent)
                .condition(ContainerDependencyCondition.START).build());
        Nag.suppress(definition, "AwsSolutions-ECS7", "The build container has no log driver on purpose: its output goes"
                + " through a FIFO to the agent, which masks every secret value and writes it as its own lines to the build"
                + " log group; a driver of its own would send the build's output to CloudWatch unmasked.");
        Nag.suppress(definition, "AwsSolutions-ECS2", "The environment holds only resource names (table, bucket, region,"
                + " push role);"
                + " registry passwords never enter the task environment: the agent reads them from Secrets Manager.");
        return definition;
    }

    /**
     * Context agentImage: one multi-arch reference for both task definitions, pulled with the execution
     * role when it is in ECR (which needs a grant that a plain registry reference would not get).
     */
    private ContainerImage registryImage(String reference) {
        Matcher ecr = ECR_IMAGE.matcher(reference);
        if (!ecr.matches()) {
            return ContainerImage.fromRegistry(reference);
        }
        String arn = "arn:" + Stack.of(this).getPartition() + ":ecr:" + ecr.group(2) + ":" + ecr.group(1) + ":repository/"
                + ecr.group(3);
        String tagOrDigest = ecr.group(5) != null ? ecr.group(5) : ecr.group(4) != null ? ecr.group(4) : "latest";
        return ContainerImage.fromEcrRepository(Repository.fromRepositoryAttributes(this, "AgentRepository",
                RepositoryAttributes.builder().repositoryArn(arn).repositoryName(ecr.group(3)).build()), tagOrDigest);
    }

    /**
     * agent/ built as an image asset for one platform. The Dockerfile only copies files, so the foreign
     * architecture builds without emulation.
     */
    private ContainerImage assetImage(String id, Platform platform, BakerySettings settings) {
        DockerImageAsset asset = DockerImageAsset.Builder.create(this, "AgentImage" + id)
                .directory(settings.repository().root().toString())
                .file("agent/Dockerfile")
                .platform(platform)
                .buildArgs(Map.of("JRE_IMAGE", settings.jreImage().orElseThrow()))
                // The Dockerfile reads only these from the repository root.
                .ignoreMode(IgnoreMode.DOCKER)
                .exclude(List.of("*", "!agent/Dockerfile", "!agent/target/bakery-agent.jar", "!agent/target/lib"))
                .build();
        return ContainerImage.fromDockerImageAsset(asset);
    }

    public Cluster cluster() {
        return cluster;
    }

    public LogGroup logGroup() {
        return logGroup;
    }

    public Role taskRole() {
        return taskRole;
    }

    public Role executionRole() {
        return executionRole;
    }

    /** What an agent assumes, scoped to its task's repositories, for the ECR logins it hands Kaniko. */
    public Role pushRole() {
        return pushRole;
    }

    /** With context k8sAgentRoleArn: the push role of the Kubernetes bridge's agents (output K8sPushRoleArn). */
    public Optional<Role> k8sPushRole() {
        return k8sPushRole;
    }

    public FargateTaskDefinition amd64() {
        return amd64;
    }

    public FargateTaskDefinition arm64() {
        return arm64;
    }

    /** The agent images of context agentImageTag (output AgentRepositoryUri); old tags expire. */
    public Repository repository() {
        return repository;
    }

    public List<FargateTaskDefinition> taskDefinitions() {
        return List.of(amd64, arm64);
    }
}
