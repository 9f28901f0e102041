package dev.bakery.cdk;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Node;

/**
 * What a deployment may choose, from CDK context ({@code cdk deploy -c key=value} or cdk.json). Every
 * value is read here, once, and a wrong one fails synth with a sentence naming the key.
 *
 * @param repository          the checkout whose build outputs become assets
 * @param agentImageTag       the agent image (both archs) as a tag of the stack's own repository: the documented way
 * @param agentImage          the agent image (both archs) in any registry, pinned by digest
 * @param agentImageFromSource build agent/ here as two Docker image assets instead (needs Docker with BuildKit)
 * @param kanikoImage         the build container's image: the Kaniko fork's debug image, unmodified, pinned by digest
 * @param jreImage            with agentImageFromSource: the agent image's base (its JRE_IMAGE build arg), pinned by digest
 * @param ephemeralStorageGiB the build task's disk (Fargate ephemeral storage), shared by both containers
 * @param apiGatewayCloudWatchRole set the account's API Gateway CloudWatch Logs role (the stages' access logs need it)
 * @param k8sBridge           add the Step Functions activity the Kubernetes bridge polls
 * @param k8sAgentRoleArn     with k8sBridge: the IAM role the bridge's agent pods run as (IRSA or EKS Pod Identity), which
 *                            alone may assume a push role of its own (output K8sPushRoleArn)
 * @param vpcId               an existing VPC; empty: a new one without NAT gateways
 * @param subnetIds           the existing VPC's subnets for the build tasks
 * @param securityGroupIds    existing security groups for the build tasks; empty: one without inbound rules
 * @param assignPublicIp      give tasks a public IP (needed in subnets without a NAT gateway)
 * @param registrySecrets     Secrets Manager name patterns the agent and the index publisher may read
 * @param ecrRepositories     ECR repository name patterns (this account and region) builds may push to
 * @param githubRepos         GitHub {@code owner/repo} allowed to call the API through OIDC, each with a role of its own;
 *                            {@code owner/repo:subject-pattern} replaces the default subjects (its branches and tags)
 * @param githubPullRequests  also trust the repositories' pull request workflows ({@code repo:OWNER/REPO:pull_request})
 * @param githubEnvironments  also trust jobs of these GitHub environments ({@code repo:OWNER/REPO:environment:NAME})
 * @param operators           role or user ARNs that may read, follow, cancel and list every build (not only their own)
 * @param githubOidcProvider  an existing token.actions.githubusercontent.com provider ARN (an account has at most one)
 * @param contextDays         days until an uploaded context expires
 * @param buildRetentionDays  days until a build's items expire from the table
 * @param logRetention        how long the build, function, API and state machine logs are kept
 */
public record BakerySettings(Repository repository, Optional<String> agentImageTag, Optional<String> agentImage,
        boolean agentImageFromSource,
        String kanikoImage, Optional<String> jreImage, int ephemeralStorageGiB, boolean apiGatewayCloudWatchRole, boolean k8sBridge,
        Optional<String> k8sAgentRoleArn,
        Optional<String> vpcId, List<String> subnetIds, List<String> securityGroupIds, boolean assignPublicIp,
        List<String> registrySecrets, List<String> ecrRepositories, List<String> githubRepos, boolean githubPullRequests,
        List<String> githubEnvironments, Optional<String> githubOidcProvider, List<String> operators, int contextDays, int buildRetentionDays, RetentionDays logRetention) {

    /**
     * The Kaniko release the agent is written for: the fork's debug variant (it has the busybox shell the
     * build container's command and the pre- and post-scripts run in). v1.28.3 is the newest tag of github.com/osscontainertools/kaniko; its
     * cmd/executor/cmd/root.go has every flag KanikoBuilder passes, --secret included, and RUN
     * --mount=type=secret is on unconditionally since v1.28.0 (CHANGELOG.md). No digest comes with it:
     * none was read from the registry, so a deployment pins the one it read itself.
     */
    public static final String KANIKO_TAG = "ghcr.io/osscontainertools/kaniko:v1.28.3-debug";
    /** The agent image's base (agent/Dockerfile, of its Java major); pinned by digest by the deployment, like Kaniko. */
    public static final String JRE_TAG = "eclipse-temurin:25-jre";
    private static final Pattern PINNED = Pattern.compile("[^@\\s]+@sha256:[0-9a-f]{64}");

    public BakerySettings {
        long agentImages = Stream.of(agentImageTag.isPresent(), agentImage.isPresent(), agentImageFromSource).filter(b -> b).count();
        if (agentImages != 1) {
            throw new IllegalArgumentException(agentImages > 1
                    ? "context agentImageTag, agentImage and agentImageFromSource=true exclude each other: give one"
                    : "no agent image: deploy with -c agentImageTag=VERSION and push agent/Dockerfile's image (linux/amd64 and"
                    + " linux/arm64) to the stack's AgentRepositoryUri under that tag (docs/deploy.md), with -c"
                    + " agentImage=REGISTRY/REPOSITORY@sha256:DIGEST, or with -c agentImageFromSource=true to build it here"
                    + " with Docker");
        }
        agentImageTag.filter(tag -> !tag.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")).ifPresent(tag -> {
            throw new IllegalArgumentException("context agentImageTag must be an image tag (letters, digits, _ . -, at most"
                    + " 128), not " + tag);
        });
        agentImage.ifPresent(reference -> pinned("agentImage", reference, reference.replaceAll("@.*", "")));
        if (kanikoImage == null) {
            throw new IllegalArgumentException("context kanikoImage is needed: the build container's image, -c kanikoImage="
                    + KANIKO_TAG + "@sha256:DIGEST, where DIGEST is what `crane digest " + KANIKO_TAG + "` prints");
        }
        pinned("kanikoImage", kanikoImage, KANIKO_TAG);
        if (agentImageFromSource) {
            pinned("jreImage", jreImage.orElseThrow(() -> new IllegalArgumentException("context jreImage is needed with"
                    + " agentImageFromSource=true: -c jreImage=" + JRE_TAG + "@sha256:DIGEST, where DIGEST is what `crane digest "
                    + JRE_TAG + "` prints")), JRE_TAG);
        } else if (jreImage.isPresent()) {
            throw new IllegalArgumentException("context jreImage only applies with agentImageFromSource=true"
                    + " (an agent image pushed to a registry was built with its own)");
        }
        if (ephemeralStorageGiB < 21 || ephemeralStorageGiB > 200) {
            throw new IllegalArgumentException("context ephemeralStorageGiB must be between 21 and 200 (Fargate's range), not "
                    + ephemeralStorageGiB);
        }
        k8sAgentRoleArn.filter(arn -> !arn.matches("arn:[a-z-]+:iam::\\d{12}:role/[\\w+=,.@/-]+")).ifPresent(arn -> {
            throw new IllegalArgumentException("context k8sAgentRoleArn must be the ARN of an IAM role"
                    + " (arn:aws:iam::ACCOUNT:role/NAME, the role of the agents' service account), not " + arn);
        });
        if (k8sAgentRoleArn.isPresent() && !k8sBridge) {
            throw new IllegalArgumentException("context k8sAgentRoleArn needs k8sBridge=true (the bridge whose agents"
                    + " run as that role)");
        }
        if (vpcId.isPresent() && subnetIds.isEmpty()) {
            throw new IllegalArgumentException("context vpcId needs subnetIds too (comma-separated subnet ids of that VPC)");
        }
        if (vpcId.isEmpty() && (!subnetIds.isEmpty() || !securityGroupIds.isEmpty())) {
            throw new IllegalArgumentException("context subnetIds and securityGroupIds need vpcId (the VPC they belong to)");
        }
        for (String repo : githubRepos) {
            if (!repo.matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(:.+)?")) {
                throw new IllegalArgumentException("context githubRepos: \"" + repo
                        + "\" is not owner/repo or owner/repo:subject-pattern (e.g. acme/shop:ref:refs/heads/main)");
            }
            String pattern = repo.contains(":") ? repo.substring(repo.indexOf(':') + 1) : "";
            if (!githubPullRequests && IamStringLike.matches(pattern, "pull_request")) {
                throw new IllegalArgumentException("context githubRepos: \"" + repo + "\" admits pull requests (subject "
                        + "repo:" + repo.substring(0, repo.indexOf(':')) + ":pull_request): say so with -c githubPullRequests=true,"
                        + " or name refs (e.g. " + repo.substring(0, repo.indexOf(':')) + ":ref:refs/heads/main)");
            }
        }
        for (String environment : githubEnvironments) {
            if (!environment.matches("[^:,\\s]+")) {
                throw new IllegalArgumentException("context githubEnvironments: \"" + environment + "\" is not an environment name");
            }
        }
        for (String operator : operators) {
            if (!operator.matches("arn:[a-z-]+:iam::\\d{12}:(role|user)/.+")) {
                throw new IllegalArgumentException("context operators: \"" + operator
                        + "\" is not a role or user ARN (arn:aws:iam::ACCOUNT:role/NAME or arn:aws:iam::ACCOUNT:user/NAME)");
            }
        }
    }

    /** @param tag what {@code crane digest} should be asked about */
    private static void pinned(String key, String reference, String tag) {
        if (!PINNED.matcher(reference).matches()) {
            throw new IllegalArgumentException("context " + key + " must be pinned by digest (NAME@sha256:<64 hex digits>), not "
                    + reference + ": `crane digest " + tag + "` prints the digest");
        }
    }

    public static BakerySettings fromContext(Node node, Repository repository) {
        Function<String, Optional<String>> context = key -> Optional.ofNullable(node.tryGetContext(key))
                .map(value -> value.toString().trim()).filter(value -> !value.isEmpty());
        return new BakerySettings(repository,
                context.apply("agentImageTag"),
                context.apply("agentImage"),
                bool(context, "agentImageFromSource", false),
                context.apply("kanikoImage").orElse(null),
                context.apply("jreImage"),
                number(context, "ephemeralStorageGiB", 50),
                bool(context, "apiGatewayCloudWatchRole", true),
                bool(context, "k8sBridge", false),
                context.apply("k8sAgentRoleArn"),
                context.apply("vpcId"),
                list(context, "subnetIds", List.of()),
                list(context, "securityGroupIds", List.of()),
                bool(context, "assignPublicIp", true),
                list(context, "registrySecrets", List.of("bakery/*")),
                list(context, "ecrRepositories", List.of("*")),
                list(context, "githubRepos", List.of()),
                bool(context, "githubPullRequests", false),
                list(context, "githubEnvironments", List.of()),
                context.apply("githubOidcProviderArn"),
                list(context, "operators", List.of()),
                days(context, "contextDays", 7),
                days(context, "buildRetentionDays", 90),
                retention(days(context, "logRetentionDays", 30)));
    }

    private static boolean bool(Function<String, Optional<String>> context, String key, boolean fallback) {
        return context.apply(key).map(value -> switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("context " + key + " must be true or false, not " + value);
        }).orElse(fallback);
    }

    /** A JSON list in cdk.json, or a comma-separated string on the command line. */
    private static List<String> list(Function<String, Optional<String>> context, String key, List<String> fallback) {
        return context.apply(key).map(value -> value.startsWith("[") && value.endsWith("]")
                ? value.substring(1, value.length() - 1) : value)
                .map(value -> Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList())
                .filter(values -> !values.isEmpty()).orElse(fallback);
    }

    private static int number(Function<String, Optional<String>> context, String key, int fallback) {
        return context.apply(key).map(value -> {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("context " + key + " must be a whole number, not " + value);
            }
        }).orElse(fallback);
    }

    private static int days(Function<String, Optional<String>> context, String key, int fallback) {
        return context.apply(key).map(value -> {
            try {
                int days = Integer.parseInt(value);
                if (days > 0) {
                    return days;
                }
            } catch (NumberFormatException e) {
                // the sentence below says what is wanted
            }
            throw new IllegalArgumentException("context " + key + " must be a positive number of days, not " + value);
        }).orElse(fallback);
    }

    /** The retention CloudWatch Logs offers for that many days (its values in the enum's order). */
    private static RetentionDays retention(int days) {
        int[] offered = {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653};
        for (int i = 0; i < offered.length; i++) {
            if (offered[i] == days) {
                return RetentionDays.values()[i];
            }
        }
        throw new IllegalArgumentException("context logRetentionDays must be one of CloudWatch Logs' retentions "
                + Arrays.toString(offered) + ", not " + days);
    }

    /**
     * The checkout: the directory holding cdk.json, found from the working directory upwards (cdk synth
     * runs at the root, Maven's tests in cdk/).
     */
    public record Repository(Path root) {

        public static Repository locate(Path start) {
            for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve("cdk.json")) && Files.isDirectory(dir.resolve("cdk"))) {
                    return new Repository(dir);
                }
            }
            throw new IllegalStateException("no cdk.json found in " + start.toAbsolutePath() + " or above: run cdk from the"
                    + " repository root");
        }

        /** The functions module's deployment package (one jar with every handler). */
        public Path functionsJar() {
            Path target = root.resolve("functions/target");
            try (Stream<Path> files = Files.isDirectory(target) ? Files.list(target) : Stream.empty()) {
                List<Path> jars = files.filter(f -> f.getFileName().toString().endsWith("-lambda.jar")).sorted().toList();
                if (jars.size() != 1) {
                    throw new IllegalStateException((jars.isEmpty() ? "no" : jars.size()) + " functions/target/*-lambda.jar in "
                            + root + ": build it first with ./mvnw -B -DskipTests package");
                }
                return jars.get(0);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot list " + target + ": " + e.getMessage(), e);
            }
        }

        /** The state machine definition (JSONPath ASL with ${...} substitutions). */
        public Path stateMachineDefinition() {
            return root.resolve("cdk/src/main/resources/statemachine/build.asl.json");
        }
    }
}
