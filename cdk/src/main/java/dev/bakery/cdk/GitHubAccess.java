package dev.bakery.cdk;

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
 * A role GitHub Actions workflows of the repositories in context githubRepos assume through OIDC
 * (aws-actions/configure-aws-credentials), allowed only to call this deployment: the REST API, the
 * WebSocket $connect, and reading this stack's outputs (how the CLI finds the endpoints).
 */
public final class GitHubAccess extends Construct {

    private static final String ISSUER = "token.actions.githubusercontent.com";

    private final Role role;

    public GitHubAccess(Construct scope, String id, Api api, LiveLogs live, BakerySettings settings) {
        super(scope, id);
        IOidcProvider provider = settings.githubOidcProvider()
                .map(arn -> OidcProviderNative.fromOidcProviderArn(this, "Provider", arn))
                .orElseGet(() -> OidcProviderNative.Builder.create(this, "Provider")
                        .url("https://" + ISSUER)
                        .clientIds(List.of("sts.amazonaws.com"))
                        .build());
        // owner/repo alone means any branch, tag, environment or pull request of it.
        List<String> subjects = settings.githubRepos().stream()
                .map(repo -> "repo:" + (repo.contains(":") ? repo : repo + ":*"))
                .toList();
        role = Role.Builder.create(this, "Role")
                .assumedBy(new WebIdentityPrincipal(provider.getOpenIdConnectProviderArn(), Map.of(
                        "StringEquals", Map.of(ISSUER + ":aud", "sts.amazonaws.com"),
                        "StringLike", Map.of(ISSUER + ":sub", subjects))))
                .description("Bakery: GitHub Actions of " + String.join(", ", settings.githubRepos()) + " may build")
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
    }

    public Role role() {
        return role;
    }
}
