package dev.bakery.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.BuildTask;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.SourceFile;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The session policy limits the push role to the task's own repositories. */
class EcrPushSessionTest {

    @Test
    void theSessionPolicyAllowsATokenAndPushingToTheTasksDestinationsAndCacheOnly() throws Exception {
        BuildTask task = BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml", """
                global:
                  kaniko:
                    destination: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:1
                    tags: [stable]
                    cache: {enable: true, repo: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app-cache}
                bake: [{arch: amd64}]
                """))).builds().getFirst().plan().tasks().getFirst();

        Map<EcrHost, Set<String>> repositories = EcrPushSession.repositories(task);
        EcrHost host = EcrHost.parse("123456789012.dkr.ecr.eu-west-1.amazonaws.com").orElseThrow();
        assertThat(repositories).containsOnlyKeys(host);
        assertThat(repositories.get(host)).containsExactly("team/app", "team/app-cache");

        JsonNode policy = new ObjectMapper().readTree(EcrPushSession.policy(host, repositories.get(host)));
        assertThat(policy.path("Statement")).hasSize(2);
        assertThat(policy.at("/Statement/0/Action").asText()).isEqualTo("ecr:GetAuthorizationToken");
        assertThat(policy.at("/Statement/1/Action").toString()).doesNotContain("*").contains("ecr:PutImage");
        assertThat(policy.at("/Statement/1/Resource").toString()).isEqualTo(
                "[\"arn:aws:ecr:eu-west-1:123456789012:repository/team/app\","
                        + "\"arn:aws:ecr:eu-west-1:123456789012:repository/team/app-cache\"]");
    }

    @Test
    void aHostTheTaskDoesNotPushToGetsNoLogin() {
        BuildTask task = BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml", """
                global:
                  kaniko: {destination: "registry.example.com/app:1"}
                bake: [{arch: amd64}]
                """))).builds().getFirst().plan().tasks().getFirst();
        assertThat(EcrPushSession.repositories(task)).isEmpty();
        EcrTokens tokens = EcrPushSession.tokens(dev.bakery.testing.LoopbackAws.clients("eu-west-1"),
                "arn:aws:iam::123456789012:role/push", "b-1-amd64", task);
        assertThat(tokens.loginFor(EcrHost.parse("123456789012.dkr.ecr.eu-west-1.amazonaws.com").orElseThrow())).isEmpty();
    }
}
