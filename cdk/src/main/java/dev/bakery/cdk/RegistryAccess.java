package dev.bakery.cdk;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;

/**
 * What talking to registries takes, for the agent (Kaniko pushes) and the index publisher: reading the
 * registry secrets a build names and the per-build secrets ({@code bakery/builds/<id>}), and ECR in
 * this account for the repositories context {@code ecrRepositories} allows.
 */
final class RegistryAccess {

    /** The per-build secrets' names: {@code bakery/builds/<build id>}. */
    static final String BUILD_SECRETS = "bakery/builds/*";

    /** Pushing an image or an index, and reading what is there (Kaniko's cache, the index's children). */
    static final List<String> ECR_PUSH = List.of("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
            "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload",
            "ecr:PutImage");

    private RegistryAccess() {
    }

    static void grant(Role role, BakerySettings settings) {
        Stack stack = Stack.of(role);
        List<String> secrets = new ArrayList<>();
        secrets.add(BUILD_SECRETS);
        secrets.addAll(settings.registrySecrets());
        List<String> secretPatterns = secrets.stream().distinct().toList();
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("secretsmanager:GetSecretValue"))
                .resources(secretPatterns.stream()
                        .map(name -> Arns.of(stack, "secretsmanager", "secret", name, ArnFormat.COLON_RESOURCE_NAME)).toList())
                .build());
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(ECR_PUSH)
                .resources(settings.ecrRepositories().stream()
                        .map(name -> Arns.of(stack, "ecr", "repository", name, ArnFormat.SLASH_RESOURCE_NAME)).toList())
                .build());
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("ecr:GetAuthorizationToken"))
                .resources(List.of("*"))
                .build());

        List<Object> findings = new ArrayList<>();
        findings.add(Nag.anyResource());
        secretPatterns.forEach(name -> findings.add(Nag.resource("secretsmanager", "secret:" + name)));
        settings.ecrRepositories().forEach(name -> findings.add(Nag.resource("ecr", "repository/" + name)));
        Nag.suppress(role, Nag.IAM5, "ecr:GetAuthorizationToken has no resource-level permissions (AWS requires Resource"
                + " \"*\"). Secrets and repositories a build names are known only at run time: they are limited to the name"
                + " patterns of context registrySecrets (default bakery/*) and ecrRepositories in this account and region,"
                + " and the per-build secrets to bakery/builds/.", findings.toArray());
    }
}
