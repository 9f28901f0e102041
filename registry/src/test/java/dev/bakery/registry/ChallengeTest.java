package dev.bakery.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ChallengeTest {

    @Test
    void readsABearerChallengeWithQuotedCommas() {
        assertThat(Challenge.parse("Bearer realm=\"https://auth.example.com/token\",service=\"registry.example.com\","
                + "scope=\"repository:team/app:pull,push\""))
                .containsExactly(new Challenge("bearer", Map.of("realm", "https://auth.example.com/token",
                        "service", "registry.example.com", "scope", "repository:team/app:pull,push")));
    }

    @Test
    void readsBasicAndSeveralChallengesInOneHeader() {
        assertThat(Challenge.parse("Basic realm=\"Registry Realm\", Bearer realm=\"https://t.example/x\""))
                .containsExactly(new Challenge("basic", Map.of("realm", "Registry Realm")),
                        new Challenge("bearer", Map.of("realm", "https://t.example/x")));
    }

    @Test
    void readsUnquotedValuesAndEscapes() {
        assertThat(Challenge.parse("Bearer realm=https://t.example/token, service=\"a\\\"b\""))
                .containsExactly(new Challenge("bearer", Map.of("realm", "https://t.example/token", "service", "a\"b")));
    }

    @Test
    void picksPlainHttpOnlyForLoopbackRegistries() {
        assertThat(RegistryClient.baseUri("127.0.0.1:5000")).isEqualTo("http://127.0.0.1:5000");
        assertThat(RegistryClient.baseUri("localhost")).isEqualTo("http://localhost");
        assertThat(RegistryClient.baseUri("[::1]:5000")).isEqualTo("http://[::1]:5000");
        assertThat(RegistryClient.baseUri("docker.io")).isEqualTo("https://registry-1.docker.io");
        assertThat(RegistryClient.baseUri("123456789012.dkr.ecr.eu-west-1.amazonaws.com"))
                .isEqualTo("https://123456789012.dkr.ecr.eu-west-1.amazonaws.com");
    }
}
