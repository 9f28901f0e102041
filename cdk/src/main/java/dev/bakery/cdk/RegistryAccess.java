package dev.bakery.cdk;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;

/**
 * What talking to registries takes: reading the registry secrets a build names and the per-build
 * secrets ({@code bakery/builds/<id>}), for the agent and the index publisher; and ECR in this account
 * for the repositories context {@code ecrRepositories} allows, for the index publisher and the build
 * agents' push role, which an agent assumes with a session policy limited to its task's repositories.
 */
final class RegistryAccess {

    /** The per-build secrets' names: {@code bakery/builds/<build id>}. */
    static final String BUILD_SECRETS = "bakery/builds/*";

    /** Pushing an image or an index, and reading what is there (Kaniko's cache, the index's children). */
    static final List<String> ECR_PUSH = List.of("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
            "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload",
            "ecr:PutImage");

    private static final String SECRETS_REASON = "Secrets a build names are known only at run time: they are limited to"
            + " the name patterns of context registrySecrets (default bakery/*), and the per-build secrets to bakery/builds/.";
    private static final String ECR_REASON = "ecr:GetAuthorizationToken has no resource-level permissions (AWS requires"
            + " Resource \"*\"). Repositories a build names are known only at run time: they are limited to the name patterns"
            + " of context ecrRepositories in this account and region (an agent's session narrows them to its task's).";

    private RegistryAccess() {
    }

    /** Registry secrets and ECR: the index publisher. */
    static void grant(Role role, BakerySettings settings) {
        List<Object> findings = new ArrayList<>();
        secrets(role, settings, findings);
        ecr(role, settings, findings);
        Nag.suppress(role, Nag.IAM5, SECRETS_REASON + " " + ECR_REASON, findings.toArray());
    }

    /** Registry secrets only: the agent's task role, whose ECR logins come from the push role. */
    static void grantSecrets(Role role, BakerySettings settings) {
        List<Object> findings = new ArrayList<>();
        secrets(role, settings, findings);
        Nag.suppress(role, Nag.IAM5, SECRETS_REASON, findings.toArray());
    }

    /** ECR only: the agents' push role. */
    static void grantEcr(Role role, BakerySettings settings) {
        List<Object> findings = new ArrayList<>();
        ecr(role, settings, findings);
        Nag.suppress(role, Nag.IAM5, ECR_REASON, findings.toArray());
    }

    private static void secrets(Role role, BakerySettings settings, List<Object> findings) {
        List<String> secrets = new ArrayList<>();
        secrets.add(BUILD_SECRETS);
        secrets.addAll(settings.registrySecrets());
        List<String> secretPatterns = secrets.stream().distinct().toList();
        Stack stack = Stack.of(role);
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("secretsmanager:GetSecretValue"))
                .resources(secretPatterns.stream()
                        .map(name -> Arns.of(stack, "secretsmanager", "secret", name, ArnFormat.COLON_RESOURCE_NAME)).toList())
                .build());
        secretPatterns.forEach(name -> findings.add(Nag.resource("secretsmanager", "secret:" + name)));
    }

    private static void ecr(Role role, BakerySettings settings, List<Object> findings) {
        Stack stack = Stack.of(role);
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(ECR_PUSH)
                .resources(settings.ecrRepositories().stream()
                        .map(name -> Arns.of(stack, "ecr", "repository", name, ArnFormat.SLASH_RESOURCE_NAME)).toList())
                .build());
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("ecr:GetAuthorizationToken"))
                .resources(List.of("*"))
                .build());
        findings.add(Nag.anyResource());
        settings.ecrRepositories().forEach(name -> findings.add(Nag.resource("ecr", "repository/" + name)));
    }
}
