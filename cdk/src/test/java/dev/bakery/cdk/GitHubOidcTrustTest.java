package dev.bakery.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.services.iam.Role;

/**
 * The GitHub roles' trust, evaluated over the synthesized template as IAM evaluates it: a token is
 * accepted when its aud equals sts.amazonaws.com and its sub matches one of the StringLike patterns.
 * An attacker with a pull request, or with a workflow in another repository, holds such a token.
 */
class GitHubOidcTrustTest {

    private static final String AUD = "sts.amazonaws.com";

    private final Synthesized byDefault = Synthesized.with(Map.of("agentImageTag", "0.1.0",
            "kanikoImage", Synthesized.KANIKO_IMAGE, "githubRepos", "acme/shop,acme/infra"));

    /** The StringLike sub patterns of a role's web identity trust. */
    static List<String> subjects(Synthesized synth, Role role) {
        JsonNode condition = trust(synth, role).path("Condition");
        List<String> subjects = new ArrayList<>();
        condition.path("StringLike").path(GitHubAccess.ISSUER + ":sub").forEach(s -> subjects.add(s.asText()));
        return subjects;
    }

    private static JsonNode trust(Synthesized synth, Role role) {
        JsonNode statements = synth.resources("AWS::IAM::Role").get(synth.logicalId(role))
                .at("/Properties/AssumeRolePolicyDocument/Statement");
        assertThat(statements).hasSize(1);
        assertThat(statements.get(0).path("Action").asText()).isEqualTo("sts:AssumeRoleWithWebIdentity");
        return statements.get(0);
    }

    /** Whether IAM would let a token with this aud and sub assume the role. */
    private static boolean admits(Synthesized synth, Role role, String aud, String sub) {
        JsonNode condition = trust(synth, role).path("Condition");
        assertThat(condition.size()).as("only StringEquals and StringLike: " + condition).isEqualTo(2);
        boolean audience = condition.path("StringEquals").path(GitHubAccess.ISSUER + ":aud").asText().equals(aud);
        return audience && subjects(synth, role).stream().anyMatch(pattern -> IamStringLike.matches(pattern, sub));
    }

    private Role role(Synthesized synth, String repo) {
        return synth.stack().github().orElseThrow().roles().get(repo);
    }

    @Test
    void theRepositorysBranchesAndTagsAreAdmitted() {
        assertThat(admits(byDefault, role(byDefault, "acme/shop"), AUD, "repo:acme/shop:ref:refs/heads/main")).isTrue();
        assertThat(admits(byDefault, role(byDefault, "acme/shop"), AUD, "repo:acme/shop:ref:refs/heads/feature/x")).isTrue();
        assertThat(admits(byDefault, role(byDefault, "acme/shop"), AUD, "repo:acme/shop:ref:refs/tags/v1.2.0")).isTrue();
    }

    @Test
    void aPullRequestOfTheRepositoryIsRefused() {
        assertThat(admits(byDefault, role(byDefault, "acme/shop"), AUD, "repo:acme/shop:pull_request")).isFalse();
    }

    @Test
    void anotherRepositoryIsRefusedEvenWithASimilarName() {
        Role shop = role(byDefault, "acme/shop");
        assertThat(admits(byDefault, shop, AUD, "repo:acme/infra:ref:refs/heads/main")).isFalse();
        assertThat(admits(byDefault, shop, AUD, "repo:acme/shop-fork:ref:refs/heads/main")).isFalse();
        assertThat(admits(byDefault, shop, AUD, "repo:evil/shop:ref:refs/heads/main")).isFalse();
        // Each repository is its own owner: the infra role does not admit the shop's workflows either.
        assertThat(admits(byDefault, role(byDefault, "acme/infra"), AUD, "repo:acme/shop:ref:refs/heads/main")).isFalse();
    }

    @Test
    void anEnvironmentJobOrAnotherAudienceIsRefusedByDefault() {
        Role shop = role(byDefault, "acme/shop");
        assertThat(admits(byDefault, shop, AUD, "repo:acme/shop:environment:production")).isFalse();
        assertThat(admits(byDefault, shop, "https://github.com/acme", "repo:acme/shop:ref:refs/heads/main")).isFalse();
    }

    @Test
    void pullRequestsAndNamedEnvironmentsOnlyWhenTheDeploymentSaysSo() {
        Synthesized synth = Synthesized.with(Map.of("agentImageTag", "0.1.0", "kanikoImage", Synthesized.KANIKO_IMAGE,
                "githubRepos", "acme/shop", "githubPullRequests", "true", "githubEnvironments", "production"));
        Role shop = role(synth, "acme/shop");
        assertThat(admits(synth, shop, AUD, "repo:acme/shop:pull_request")).isTrue();
        assertThat(admits(synth, shop, AUD, "repo:acme/shop:environment:production")).isTrue();
        assertThat(admits(synth, shop, AUD, "repo:acme/shop:environment:staging")).isFalse();
    }

    @Test
    void aSubjectPatternThatAdmitsPullRequestsNeedsTheExplicitOption() {
        assertThatThrownBy(() -> Synthesized.with(Map.of("agentImageTag", "0.1.0", "kanikoImage", Synthesized.KANIKO_IMAGE,
                "githubRepos", "acme/shop:*")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("context githubRepos: \"acme/shop:*\" admits pull requests (subject repo:acme/shop:pull_request):"
                        + " say so with -c githubPullRequests=true, or name refs (e.g. acme/shop:ref:refs/heads/main)");
    }

    @Test
    void stringLikeIsMatchedAsIamDoes() {
        assertThat(IamStringLike.matches("repo:a/b:ref:refs/heads/*", "repo:a/b:ref:refs/heads/x/y:z")).isTrue();
        assertThat(IamStringLike.matches("repo:a/b:?", "repo:a/b:x")).isTrue();
        assertThat(IamStringLike.matches("repo:a/b:?", "repo:a/b:xy")).isFalse();
        assertThat(IamStringLike.matches("repo:a.b:*", "repo:aXb:x")).isFalse();
        assertThat(IamStringLike.matches("repo:a/b:*", "repo:A/b:x")).isFalse();
    }
}
