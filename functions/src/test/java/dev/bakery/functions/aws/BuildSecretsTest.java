package dev.bakery.functions.aws;

import dev.bakery.testing.LoopbackAws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

class BuildSecretsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAME = "bakery/builds/b-1";
    /** Distinctive, and with a quote so that its JSON-escaped form differs. */
    private static final String VALUE = "pw-7Qx\"9z!never-print-me";
    private static final String ESCAPED_VALUE = "pw-7Qx\\\"9z!never-print-me";

    private final LoopbackAws aws = LoopbackAws.start();
    private final BuildSecrets secrets = new BuildSecrets(aws.secretsManager("eu-west-1"));

    @AfterEach
    void stop() {
        aws.close();
    }

    private static Map<String, String> tags() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("bakery:build-id", "b-1");
        tags.put("bakery:app", "bakery");
        return tags;
    }

    private String targets() {
        return String.join(",", aws.calls().stream().map(LoopbackAws.Call::target).toList());
    }

    @Test
    void createsTheSecretWithARequestTokenDerivedFromItsName() throws Exception {
        String arn = secrets.create(NAME, VALUE, tags());

        LoopbackAws.StoredSecret stored = aws.storedSecrets().get(NAME);
        assertThat(arn).isEqualTo(stored.arn("eu-west-1")).startsWith("arn:aws:secretsmanager:eu-west-1:111122223333:secret:" + NAME + "-");
        assertThat(stored.value()).isEqualTo(VALUE);
        assertThat(stored.tags()).isEqualTo(tags());
        String token = BuildSecrets.clientRequestToken(NAME);
        assertThat(token).hasSize(36).isEqualTo(BuildSecrets.clientRequestToken(NAME)).isNotEqualTo(BuildSecrets.clientRequestToken("bakery/builds/b-2"));
        assertThat(stored.versionId()).isEqualTo(token);
        assertThat(aws.calls()).singleElement().satisfies(call -> {
            assertThat(call.service()).isEqualTo("secretsmanager");
            assertThat(call.target()).isEqualTo("secretsmanager.CreateSecret");
            assertThat(call.body()).isEqualTo(JSON.readTree("{\"Name\":\"" + NAME + "\",\"ClientRequestToken\":\"" + token
                    + "\",\"SecretString\":\"" + ESCAPED_VALUE + "\",\"Tags\":[{\"Key\":\"bakery:app\",\"Value\":\"bakery\"},"
                    + "{\"Key\":\"bakery:build-id\",\"Value\":\"b-1\"}]}"));
        });
    }

    @Test
    void creatingTwiceGivesTheSameSecret() {
        String first = secrets.create(NAME, VALUE, tags());
        String second = secrets.create(NAME, VALUE, tags());

        assertThat(second).isEqualTo(first);
        assertThat(aws.storedSecrets()).containsOnlyKeys(NAME);
        assertThat(aws.bodies("CreateSecret")).hasSize(2)
                .extracting(b -> b.path("ClientRequestToken").asText()).containsOnly(BuildSecrets.clientRequestToken(NAME));
    }

    @Test
    void aLostAnswerIsRetriedWithoutASecondSecret() {
        aws.loseNextResponses(1);

        String arn = secrets.create(NAME, VALUE, Map.of());

        assertThat(arn).isEqualTo(aws.storedSecrets().get(NAME).arn("eu-west-1"));
        assertThat(aws.bodies("CreateSecret")).hasSize(2).allSatisfy(b -> assertThat(b.has("Tags")).isFalse());
    }

    @Test
    void aRepeatRefusedAsExistingFindsTheSecretOfTheFirstTry() {
        aws.createSecretIgnoresClientRequestToken();
        String first = secrets.create(NAME, VALUE, tags());

        assertThat(secrets.create(NAME, VALUE, tags())).isEqualTo(first);
        assertThat(targets()).isEqualTo("secretsmanager.CreateSecret,secretsmanager.CreateSecret,secretsmanager.DescribeSecret");
    }

    @Test
    void aSecretOfThatNameMadeByAnyoneElseIsNotTakenOver() {
        aws.secret(NAME, "someone else's");

        assertThatThrownBy(() -> secrets.create(NAME, VALUE, tags()))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ResourceExistsException"))
                .hasMessageStartingWith("secret " + NAME + " exists already and was not created by Bakery for this build (it has no version "
                        + BuildSecrets.clientRequestToken(NAME) + "); not using it (ResourceExistsException: The operation failed"
                        + " because the secret " + NAME + " already exists.)");
        assertThat(aws.storedSecrets().get(NAME).value()).isEqualTo("someone else's");
    }

    @Test
    void aSecretScheduledForDeletionBlocksTheName() {
        aws.secretMarkedForDeletion(NAME, "old");

        assertThatThrownBy(() -> secrets.create(NAME, VALUE, tags()))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRequestException"))
                .hasMessageStartingWith("cannot create secret " + NAME + " in Secrets Manager (InvalidRequestException: You can't create this"
                        + " secret because a secret with this name is already scheduled for deletion.)");
    }

    @Test
    void deleteRemovesTheSecretWithoutARecoveryWindow() throws Exception {
        secrets.create(NAME, VALUE, tags());

        secrets.delete(NAME);

        assertThat(aws.storedSecrets()).isEmpty();
        assertThat(aws.bodies("DeleteSecret")).containsExactly(
                JSON.readTree("{\"SecretId\":\"" + NAME + "\",\"ForceDeleteWithoutRecovery\":true}"));
    }

    @Test
    void deleteTakesTheArnToo() {
        String arn = secrets.create(NAME, VALUE, tags());

        secrets.delete(arn);

        assertThat(aws.storedSecrets()).isEmpty();
    }

    @Test
    void deletingAMissingSecretIsFine() {
        secrets.create(NAME, VALUE, tags());

        secrets.delete(NAME);
        secrets.delete(NAME);
        secrets.delete("bakery/builds/never-made");

        assertThat(targets()).isEqualTo("secretsmanager.CreateSecret" + ",secretsmanager.DeleteSecret".repeat(3));
    }

    @Test
    void deletingASecretAlreadyMarkedForDeletionIsFine() {
        aws.secretMarkedForDeletion(NAME, "old");

        secrets.delete(NAME);

        assertThat(targets()).isEqualTo("secretsmanager.DeleteSecret,secretsmanager.DescribeSecret");
    }

    @Test
    void malformedArgumentsAreRefusedBeforeAnyCall() {
        assertThatThrownBy(() -> secrets.create("bakery/builds/b 1", VALUE, tags()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("secret name bakery/builds/b 1 must be 1 to 512 characters of letters, digits and /_+=.@-");
        Map<String, String> badTag = new LinkedHashMap<>();
        badTag.put("", "x");
        assertThatThrownBy(() -> secrets.create(NAME, VALUE, badTag)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> secrets.delete(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThat(aws.calls()).isEmpty();
    }

    @Test
    void theValueAppearsInNoErrorAtAll() {
        // Secrets Manager quotes a value in a validation message: masked.
        aws.createSecretQuotesTheValueInErrors(1);
        Throwable quoted = catchAll(() -> secrets.create(NAME, VALUE, tags()));
        assertThat(quoted).isInstanceOfSatisfying(AwsServiceException.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
            assertThat(e.awsErrorDetails().errorMessage()).startsWith("1 validation error detected: Value '****' at 'secretString'");
        });
        assertNoTraceOfTheValue(quoted);

        // Throttled until the client gives up.
        aws.throttleNext(10);
        assertNoTraceOfTheValue(catchAll(() -> secrets.create(NAME, VALUE, tags())));
        aws.throttleNext(0);

        // The service fails after acting, every time.
        aws.loseNextResponses(10);
        assertNoTraceOfTheValue(catchAll(() -> secrets.create("bakery/builds/b-2", VALUE, tags())));
        aws.loseNextResponses(0);

        // A name taken by someone else.
        aws.secret("bakery/builds/b-3", "other");
        assertNoTraceOfTheValue(catchAll(() -> secrets.create("bakery/builds/b-3", VALUE, tags())));

        // Too large to send.
        assertNoTraceOfTheValue(catchAll(() -> secrets.create(NAME, VALUE + "x".repeat(BuildSecrets.MAX_SECRET_BYTES), tags())));
    }

    @Test
    void theValueAppearsInNoErrorWhenSecretsManagerCannotBeReached() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            port = socket.getLocalPort();
        }
        BuildSecrets unreachable = new BuildSecrets(LoopbackAws.clients("eu-west-1").configure(SecretsManagerClient.builder())
                .endpointOverride(URI.create("http://127.0.0.1:" + port)).build());

        Throwable e = catchAll(() -> unreachable.create(NAME, VALUE, tags()));

        assertThat(e).isInstanceOf(SdkClientException.class)
                .hasMessageStartingWith("cannot create secret " + NAME + " in Secrets Manager: Unable to execute HTTP request");
        assertNoTraceOfTheValue(e);
    }

    @Test
    void redactionMasksTheValueInBothSpellings() {
        AwsServiceException raw = SecretsManagerException.builder().statusCode(400).message("got '" + VALUE + "'")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ValidationException")
                        .errorMessage("got '" + VALUE + "' or \"" + ESCAPED_VALUE + "\"").build())
                .build();

        SdkException safe = BuildSecrets.redact(raw, VALUE);

        assertThat(safe).isInstanceOfSatisfying(SecretsManagerException.class,
                e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("got '****' or \"****\""));
        assertNoTraceOfTheValue(safe);
        AwsServiceException harmless = SecretsManagerException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("X").errorMessage("nothing to hide").build()).build();
        assertThat(BuildSecrets.redact(harmless, VALUE)).isSameAs(harmless);
    }

    private static Throwable catchAll(Runnable action) {
        try {
            action.run();
        } catch (Throwable t) {
            return t;
        }
        throw new AssertionError("expected a failure");
    }

    /** Message, causes, suppressed exceptions: everything a logger would print. */
    private static void assertNoTraceOfTheValue(Throwable e) {
        StringWriter printed = new StringWriter();
        e.printStackTrace(new PrintWriter(printed));
        assertThat(printed.toString()).contains(e.getClass().getName()).doesNotContain(VALUE).doesNotContain(ESCAPED_VALUE)
                .doesNotContain("never-print-me");
    }
}
