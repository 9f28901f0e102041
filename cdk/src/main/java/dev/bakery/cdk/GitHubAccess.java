package dev.bakery.cdk;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.IOidcProvider;
import software.amazon.awscdk.services.iam.OidcProviderNative;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.WebIdentityPrincipal;
import software.constructs.Construct;

/**
 * One role per repository of context githubRepos, which GitHub Actions workflows of that repository
 * assume through OIDC (aws-actions/configure-aws-credentials). A role per repository makes each
 * repository its own owner of builds (the API shows and cancels a build only for the role that
 * submitted it). Each role may only call this deployment: the REST API, the WebSocket $connect,
 * and reading this stack's outputs (how the CLI finds the endpoints).
 *
 * <p>The trust admits the repository's branches and tags ({@code repo:OWNER/REPO:ref:refs/heads/*},
 * {@code ...:ref:refs/tags/*}); pull requests ({@code repo:OWNER/REPO:pull_request}, whose code
 * anyone who can open one writes) only with context githubPullRequests=true; jobs of the GitHub
 * environments of context githubEnvironments (their sub is {@code repo:OWNER/REPO:environment:NAME}
 * instead of the ref). {@code owner/repo:pattern} replaces all of these with that one subject.
 */
public final class GitHubAccess extends Construct {

    static final String ISSUER = "token.actions.githubusercontent.com";

    private final Map<String, Role> roles = new LinkedHashMap<>();

    public GitHubAccess(Construct scope, String id, Api api, LiveLogs live, BakerySettings settings) {
        super(scope, id);
        IOidcProvider provider = settings.githubOidcProvider()
                .map(arn -> OidcProviderNative.fromOidcProviderArn(this, "Provider", arn))
                .orElseGet(() -> OidcProviderNative.Builder.create(this, "Provider")
                        .url("https://" + ISSUER)
                        .clientIds(List.of("sts.amazonaws.com"))
                        .build());
        for (String entry : settings.githubRepos()) {
            String repo = entry.contains(":") ? entry.substring(0, entry.indexOf(':')) : entry;
            if (roles.containsKey(repo)) {
                throw new IllegalArgumentException("context githubRepos names " + repo + " twice: give one subject pattern per"
                        + " repository, or none for its branches and tags");
            }
            // ':' never occurs in a GitHub owner or repository name, '/' may not occur in a construct id.
            Role role = Role.Builder.create(this, repo.replace('/', ':'))
                    .assumedBy(new WebIdentityPrincipal(provider.getOpenIdConnectProviderArn(), Map.of(
                            "StringEquals", Map.of(ISSUER + ":aud", "sts.amazonaws.com"),
                            "StringLike", Map.of(ISSUER + ":sub", subjects(entry, repo, settings)))))
                    .description("Bakery: GitHub Actions of " + repo + " may build")
                    .maxSessionDuration(Duration.hours(1))
                    .build();
            role.addToPolicy(PolicyStatement.Builder.create()
                    .actions(List.of("execute-api:Invoke"))
                    .resources(List.of(api.restApi().arnForExecuteApi("*", "/*", Api.STAGE),
                            live.webSocketApi().arnForExecuteApiV2("$connect", LiveLogs.STAGE)))
                    .build());
            role.addToPolicy(PolicyStatement.Builder.create()
                    .actions(List.of("cloudformation:DescribeStacks"))
                    .resources(List.of(Stack.of(this).getStackId()))
                    .build());
            Nag.suppress(role, Nag.IAM5, "execute-api:Invoke on every method and path of this REST API's stage: the API is"
                    + " the unit of access (the WebSocket grant is $connect of its stage only).",
                    Nag.matching(Nag.literal(Nag.resource("execute-api", "<")) + "ApiRestApi[0-9A-F]+>/" + Api.STAGE + "/\\*/\\*"));
            roles.put(repo, role);
        }
    }

    /** The OIDC subjects a repository's role trusts (StringLike patterns). */
    private static List<String> subjects(String entry, String repo, BakerySettings settings) {
        String prefix = "repo:" + repo + ":";
        if (!entry.equals(repo)) {
            return List.of("repo:" + entry);
        }
        List<String> subjects = new ArrayList<>(List.of(prefix + "ref:refs/heads/*", prefix + "ref:refs/tags/*"));
        if (settings.githubPullRequests()) {
            subjects.add(prefix + "pull_request");
        }
        settings.githubEnvironments().forEach(environment -> subjects.add(prefix + "environment:" + environment));
        return subjects;
    }

    /** Each repository's role, in the order of context githubRepos. */
    public Map<String, Role> roles() {
        return Collections.unmodifiableMap(roles);
    }

    /**
     * The output key naming a repository's role: {@code GitHubRoleArn} and the repository's name
     * parts, each capitalized ({@code acme/shop-api}: {@code GitHubRoleArnAcmeShopApi}).
     */
    public static String outputKey(String repo) {
        StringBuilder key = new StringBuilder("GitHubRoleArn");
        for (String part : repo.split("[^A-Za-z0-9]+")) {
            if (!part.isEmpty()) {
                key.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return key.toString();
    }
}
