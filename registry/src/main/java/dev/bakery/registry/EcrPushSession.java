package dev.bakery.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.aws.AwsClients;
import dev.bakery.aws.AwsErrors;
import dev.bakery.core.BuildTask;
import dev.bakery.core.ImageReference;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * The ECR logins a build's Kaniko gets: authorization tokens taken under a session of the push role
 * whose session policy allows exactly this task's repositories (destinations and cache), so a token
 * reaches nothing else even though the role may push to every repository of the deployment. The
 * agent's own role only assumes the push role; it has no ECR rights of its own.
 */
public final class EcrPushSession {

    /** Pushing an image and reading what is there (Kaniko's cache, base layers in the same repository). */
    public static final List<String> PUSH_ACTIONS = List.of("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
            "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload",
            "ecr:PutImage");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** AssumeRole's limit on a session name. */
    private static final int MAX_SESSION_NAME = 64;

    private EcrPushSession() {
    }

    /**
     * @param roleArn the push role
     * @param session names the session in CloudTrail (the build and task), cut to what STS takes
     * @return logins for the task's ECR hosts; any other host gets none
     */
    public static EcrTokens tokens(AwsClients aws, String roleArn, String session, BuildTask task) {
        Map<EcrHost, Set<String>> repositories = repositories(task);
        String sessionName = session.replaceAll("[^\\w+=,.@-]", "-");
        String name = sessionName.length() > MAX_SESSION_NAME ? sessionName.substring(0, MAX_SESSION_NAME) : sessionName;
        EcrAuthorizationTokens tokens = new EcrAuthorizationTokens(host -> {
            Credentials credentials;
            try (StsClient sts = aws.in(host.region()).configure(StsClient.builder()).build()) {
                credentials = sts.assumeRole(r -> r.roleArn(roleArn).roleSessionName(name)
                        .policy(policy(host, repositories.get(host)))).credentials();
            } catch (SdkException e) {
                throw AwsErrors.reword(e, "cannot assume the push role " + roleArn + " for " + host.host() + ": "
                        + (AwsErrors.answered(e) ? AwsErrors.describe(e) : e.getMessage()));
            }
            return aws.in(host.region()).configure(EcrClient.builder()).fipsEnabled(host.fips())
                    .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                            credentials.accessKeyId(), credentials.secretAccessKey(), credentials.sessionToken())))
                    .build();
        }, Clock.systemUTC());
        return host -> repositories.containsKey(host) ? tokens.loginFor(host) : java.util.Optional.empty();
    }

    /** The task's ECR repositories by host: its destinations' and its cache repository's. */
    static Map<EcrHost, Set<String>> repositories(BuildTask task) {
        Map<EcrHost, Set<String>> repositories = new LinkedHashMap<>();
        for (ImageReference destination : task.destinations()) {
            EcrHost.parse(destination.registry()).ifPresent(host ->
                    repositories.computeIfAbsent(host, h -> new TreeSet<>()).add(destination.repository()));
        }
        String cache = task.kaniko().cache().repo();
        if (cache != null && cache.contains("/")) {
            String path = cache.substring(cache.indexOf('/') + 1).replaceAll("[:@].*", "");
            EcrHost.parse(cache.substring(0, cache.indexOf('/'))).ifPresent(host ->
                    repositories.computeIfAbsent(host, h -> new TreeSet<>()).add(path));
        }
        return repositories;
    }

    /** The session policy: a token, and pushing to these repositories of that registry, nothing else. */
    static String policy(EcrHost host, Set<String> repositories) {
        String partition = host.region().startsWith("cn-") ? "aws-cn" : host.region().startsWith("us-gov-") ? "aws-us-gov" : "aws";
        ObjectNode policy = JSON.createObjectNode().put("Version", "2012-10-17");
        ArrayNode statements = policy.putArray("Statement");
        statements.addObject().put("Effect", "Allow").put("Action", "ecr:GetAuthorizationToken").put("Resource", "*");
        ObjectNode push = statements.addObject().put("Effect", "Allow");
        PUSH_ACTIONS.forEach(push.putArray("Action")::add);
        ArrayNode resources = push.putArray("Resource");
        repositories.forEach(repository -> resources.add("arn:" + partition + ":ecr:" + host.region() + ":" + host.account()
                + ":repository/" + repository));
        return policy.toString();
    }
}
