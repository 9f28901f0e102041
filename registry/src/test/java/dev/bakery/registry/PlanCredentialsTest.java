package dev.bakery.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.core.RegistryCredential;
import dev.bakery.core.SecretRef;
import dev.bakery.testing.LoopbackAws;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** Plan credentials resolved against a loopback Secrets Manager and ECR. */
class PlanCredentialsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUILD = "b-42";
    private static final String ECR_HOST = "123456789012.dkr.ecr.eu-west-3.amazonaws.com";

    private final LoopbackAws aws = LoopbackAws.start();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    /** Hosts the ECR client factory was asked for: one client per region. */
    private final List<EcrHost> ecrClientsMade = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        aws.close();
    }

    private PlanCredentials credentials(RegistryCredential... plan) {
        SecretReader secrets = new SecretsManagerSecrets(aws.secretsManager("eu-west-1"));
        EcrTokens ecr = new EcrAuthorizationTokens(host -> {
            ecrClientsMade.add(host);
            return aws.ecr(host.region());
        }, clock);
        return new PlanCredentials(List.of(plan), BUILD, secrets, ecr);
    }

    private List<LoopbackAws.Call> calls(String target) {
        return aws.calls().stream().filter(c -> c.target().endsWith("." + target)).toList();
    }

    @Test
    void namedSecretHoldingThePassword() {
        aws.secret("ci/ghcr-token", "ghp_plain");

        PlanCredentials credentials = credentials(new RegistryCredential("ghcr.io", "bot", SecretRef.named("ci/ghcr-token")));

        assertThat(credentials.loginFor("ghcr.io")).contains(new Login("bot", "ghp_plain"));
        assertThat(aws.calls()).singleElement().satisfies(call -> {
            assertThat(call.region()).isEqualTo("eu-west-1");
            assertThat(call.body()).isEqualTo(JSON.createObjectNode().put("SecretId", "ci/ghcr-token"));
        });
    }

    @Test
    void namedJsonSecretGivesTheUsernameWhenThePlanHasNone() {
        aws.secret("ci/quay", "{\"username\":\"robot+ci\",\"password\":\"q-pass\"}")
                .secret("ci/hub", "{\"username\":\"from-secret\",\"password\":\"h-pass\"}");

        PlanCredentials credentials = credentials(
                new RegistryCredential("quay.io", null, SecretRef.named("ci/quay")),
                new RegistryCredential("docker.io", "from-plan", SecretRef.named("ci/hub")));

        assertThat(credentials.loginFor("quay.io")).contains(new Login("robot+ci", "q-pass"));
        assertThat(credentials.loginFor("docker.io")).contains(new Login("from-plan", "h-pass"));
    }

    @Test
    void buildSecretIsReadOnceForAllItsKeys() {
        aws.secret("bakery/builds/" + BUILD, "{\"credentials[0]\":\"one\",\"credentials[1]\":\"two\"}");

        PlanCredentials credentials = credentials(
                new RegistryCredential("registry.example.com", "alice", SecretRef.buildSecret("credentials[0]")),
                new RegistryCredential("other.example.com:5000", "bob", SecretRef.buildSecret("credentials[1]")));

        assertThat(credentials.loginFor("registry.example.com")).contains(new Login("alice", "one"));
        assertThat(credentials.loginFor("other.example.com:5000")).contains(new Login("bob", "two"));
        assertThat(credentials.loginFor("registry.example.com")).contains(new Login("alice", "one"));
        assertThat(calls("GetSecretValue")).singleElement()
                .satisfies(call -> assertThat(call.body().path("SecretId").asText()).isEqualTo("bakery/builds/b-42"));
    }

    @Test
    void registryNamesAreMatchedTheWayDockerWritesThem() {
        aws.secret("ci/hub", "pw");

        PlanCredentials credentials = credentials(
                new RegistryCredential("https://index.docker.io/v1/", "me", SecretRef.named("ci/hub")));

        assertThat(credentials.loginFor("docker.io")).contains(new Login("me", "pw"));
        assertThat(credentials.loginFor("DOCKER.IO")).contains(new Login("me", "pw"));
    }

    @Test
    void ecrHostGetsADecodedToken() {
        aws.ecrRegistry("123456789012", "ecr-password");

        Optional<Login> login = credentials().loginFor(ECR_HOST);

        assertThat(login).contains(new Login("AWS", "ecr-password"));
        assertThat(aws.calls()).singleElement().satisfies(call -> {
            assertThat(call.service()).isEqualTo("ecr");
            assertThat(call.region()).isEqualTo("eu-west-3");
            assertThat(call.target()).isEqualTo("AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken");
            assertThat(call.body()).isEqualTo(JSON.readTree("{\"registryIds\":[\"123456789012\"]}"));
        });
    }

    @Test
    void ecrTokenIsCachedUntilItExpires() {
        aws.ecrRegistry("123456789012", "ecr-password").ecrTokensExpireAt(clock.instant().plus(Duration.ofHours(12)));
        PlanCredentials credentials = credentials();

        credentials.loginFor(ECR_HOST);
        clock.advance(Duration.ofHours(11));
        credentials.loginFor(ECR_HOST);
        assertThat(calls("GetAuthorizationToken")).hasSize(1);

        clock.advance(Duration.ofMinutes(59));
        assertThat(credentials.loginFor(ECR_HOST)).contains(new Login("AWS", "ecr-password"));
        assertThat(calls("GetAuthorizationToken")).hasSize(2);
    }

    @Test
    void ecrAccountAndRegionComeFromTheHost() {
        aws.ecrRegistry("210987654321", "gov").ecrRegistry("123456789012", "china");
        PlanCredentials credentials = credentials();

        credentials.loginFor("210987654321.dkr.ecr-fips.us-gov-west-1.amazonaws.com");
        credentials.loginFor("123456789012.dkr.ecr.cn-northwest-1.amazonaws.com.cn");

        assertThat(aws.calls()).extracting(c -> c.region() + " " + c.body().path("registryIds").path(0).asText())
                .containsExactly("us-gov-west-1 210987654321", "cn-northwest-1 123456789012");
        assertThat(ecrClientsMade).extracting(EcrHost::fips).containsExactly(true, false);
    }

    @Test
    void recognizesEcrHostsByNameOnly() {
        assertThat(EcrHost.parse("123456789012.dkr.ecr.eu-west-3.amazonaws.com"))
                .contains(new EcrHost("123456789012.dkr.ecr.eu-west-3.amazonaws.com", "123456789012", "eu-west-3", false));
        assertThat(EcrHost.parse("123456789012.DKR.ECR-FIPS.us-east-1.amazonaws.com"))
                .contains(new EcrHost("123456789012.dkr.ecr-fips.us-east-1.amazonaws.com", "123456789012", "us-east-1", true));
        assertThat(EcrHost.parse("123456789012.dkr.ecr.eu-west-3.amazonaws.com.evil.example")).isEmpty();
        assertThat(EcrHost.parse("12345678901.dkr.ecr.eu-west-3.amazonaws.com")).isEmpty();
        assertThat(EcrHost.parse("public.ecr.aws")).isEmpty();
        assertThat(EcrHost.parse("123456789012.dkr.ecr.eu-west-3.amazonaws.com:443")).isEmpty();
    }

    @Test
    void aPlanCredentialWinsOverEcr() {
        aws.secret("ci/ecr-user", "{\"username\":\"cross-account\",\"password\":\"pw\"}");

        PlanCredentials credentials = credentials(new RegistryCredential(ECR_HOST, null, SecretRef.named("ci/ecr-user")));

        assertThat(credentials.loginFor(ECR_HOST)).contains(new Login("cross-account", "pw"));
        assertThat(calls("GetAuthorizationToken")).isEmpty();
    }

    @Test
    void noCredentialMeansAnonymous() {
        assertThat(credentials().loginFor("ghcr.io")).isEmpty();
        assertThat(aws.calls()).isEmpty();
    }

    @Test
    void missingSecretIsNamed() {
        PlanCredentials credentials = credentials(new RegistryCredential("ghcr.io", "bot", SecretRef.named("ci/ghcr-token")));

        assertThatThrownBy(() -> credentials.loginFor("ghcr.io"))
                .isInstanceOf(SdkException.class)
                .hasMessageStartingWith("secret ci/ghcr-token not found in Secrets Manager"
                        + " (ResourceNotFoundException: Secrets Manager can't find the specified secret.)");
    }

    @Test
    void deniedSecretSaysWhichPermissionIsMissing() {
        aws.deniedSecret("ci/ghcr-token");
        PlanCredentials credentials = credentials(new RegistryCredential("ghcr.io", "bot", SecretRef.named("ci/ghcr-token")));

        assertThatThrownBy(() -> credentials.loginFor("ghcr.io"))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException"))
                .hasMessageStartingWith("not allowed to read secret ci/ghcr-token: missing IAM permission secretsmanager:GetSecretValue"
                        + " on ci/ghcr-token (AccessDeniedException: User: " + LoopbackAws.CALLER + " is not authorized"
                        + " to perform: secretsmanager:GetSecretValue on resource: ci/ghcr-token because no"
                        + " identity-based policy allows the secretsmanager:GetSecretValue action)");
    }

    @Test
    void deniedEcrSaysWhichPermissionIsMissing() {
        assertThatThrownBy(() -> credentials().loginFor(ECR_HOST))
                .isInstanceOf(SdkException.class)
                .hasMessageStartingWith("not allowed to get an ECR login for " + ECR_HOST + ": missing IAM permission"
                        + " ecr:GetAuthorizationToken (AccessDeniedException: User: " + LoopbackAws.CALLER + " is not"
                        + " authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based"
                        + " policy allows the ecr:GetAuthorizationToken action)");
    }

    @Test
    void throttledSecretReadIsRetried() {
        aws.secret("ci/ghcr-token", "ghp_plain").throttleNext(1);

        PlanCredentials credentials = credentials(new RegistryCredential("ghcr.io", "bot", SecretRef.named("ci/ghcr-token")));

        assertThat(credentials.loginFor("ghcr.io")).contains(new Login("bot", "ghp_plain"));
        assertThat(calls("GetSecretValue")).hasSize(2);
    }

    @Test
    void storedValuesThatMakeNoLoginAreNamedButNeverQuoted() {
        aws.secret("ci/no-password", "{\"username\":\"u\",\"token\":\"tok-value\"}")
                .secret("ci/no-username", "plain-value")
                .secret("bakery/builds/" + BUILD, "{\"credentials[0]\":\"inline-value\"}");

        PlanCredentials credentials = credentials(
                new RegistryCredential("a.example.com", null, SecretRef.named("ci/no-password")),
                new RegistryCredential("b.example.com", null, SecretRef.named("ci/no-username")),
                new RegistryCredential("c.example.com", "c", SecretRef.buildSecret("credentials[9]")));

        assertThatThrownBy(() -> credentials.loginFor("a.example.com")).isInstanceOf(CredentialException.class)
                .hasMessage("secret ci/no-password (for registry a.example.com) is a JSON object without a \"password\" string");
        assertThatThrownBy(() -> credentials.loginFor("b.example.com")).isInstanceOf(CredentialException.class)
                .hasMessage("no username for registry b.example.com: give one in the plan or store"
                        + " {\"username\": ..., \"password\": ...} in secret ci/no-username");
        assertThatThrownBy(() -> credentials.loginFor("c.example.com")).isInstanceOf(CredentialException.class)
                .hasMessage("the build's secret bakery/builds/b-42 has no password under \"credentials[9]\""
                        + " (for registry c.example.com)");
    }

    @Test
    void aBuildSecretThatIsNotJsonIsNotQuoted() {
        aws.secret("bakery/builds/" + BUILD, "oops-not-json");

        PlanCredentials credentials = credentials(
                new RegistryCredential("c.example.com", "c", SecretRef.buildSecret("credentials[0]")));

        assertThatThrownBy(() -> credentials.loginFor("c.example.com")).isInstanceOf(CredentialException.class)
                .hasMessage("the build's secret bakery/builds/b-42 is not a JSON object")
                .hasNoCause();
    }

    @Test
    void loginsNeverPrintTheirPassword() {
        aws.secret("ci/ghcr-token", "ghp_plain");

        Login login = credentials(new RegistryCredential("ghcr.io", "bot", SecretRef.named("ci/ghcr-token")))
                .loginFor("ghcr.io").orElseThrow();

        assertThat(login.toString()).doesNotContain("ghp_plain");
    }

    @Test
    void aSecretReaderCanBeAnyFunction() {
        Map<String, String> store = Map.of("ci/x", "pw");
        PlanCredentials credentials = new PlanCredentials(
                List.of(new RegistryCredential("x.example.com", "u", SecretRef.named("ci/x"))), BUILD, store::get, EcrTokens.none());

        assertThat(credentials.loginFor("x.example.com")).contains(new Login("u", "pw"));
        assertThat(credentials.loginFor(ECR_HOST)).isEmpty();
    }

    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
