package dev.bakery.functions.handler;

import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.bakery.core.BuildTask;
import dev.bakery.aws.AwsClients;
import dev.bakery.functions.index.IndexPublication;
import dev.bakery.registry.EcrAuthorizationTokens;
import dev.bakery.registry.EcrTokens;
import dev.bakery.registry.PlanCredentials;
import dev.bakery.registry.RegistryClient;
import dev.bakery.registry.SecretReader;
import dev.bakery.registry.SecretsManagerSecrets;
import dev.bakery.store.BuildStore;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The state machine's "Publish multi-arch index" task. Input {@code {"buildId": ...}}; output
 * {@code {"published": true, "indexDigest": ..., "destinations": [...]}}, or {@code {"published": false}}
 * for a single-image build. Wiring only: the work is {@link IndexPublication}'s.
 */
public final class PublishIndexHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    static {
        TlsTrustWarmUp.start(); // first: the rest of this class's initialisation runs meanwhile
    }

    private final IndexPublication publication;

    /** Lambda's constructor: reads {@code TABLE_NAME} and {@code AWS_REGION}. */
    public PublishIndexHandler() {
        this(fromEnvironment(System.getenv()));
    }

    /** With its publication given: the local mode's registries and secrets. */
    public PublishIndexHandler(IndexPublication publication) {
        this.publication = publication;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        Object id = input == null ? null : input.get("buildId");
        if (!(id instanceof String buildId) || buildId.isBlank()) {
            throw new IllegalArgumentException("the input needs a buildId, got " + input);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        publication.publish(buildId).ifPresentOrElse(published -> {
            out.put("published", true);
            out.put("indexDigest", published.digest());
            out.put("destinations", published.destinations().stream().map(Object::toString).toList());
        }, () -> out.put("published", false));
        return out;
    }

    static IndexPublication fromEnvironment(Map<String, String> environment) {
        String table = required(environment, "TABLE_NAME");
        String region = required(environment, "AWS_REGION");
        // One credentials chain and one HTTP client for every client.
        AwsClients aws = AwsClients.create(region);
        DynamoDbClient dynamo = aws.configure(DynamoDbClient.builder()).build();
        SecretReader secrets = new SecretsManagerSecrets(aws.configure(SecretsManagerClient.builder()).build());
        EcrTokens ecr = EcrAuthorizationTokens.create(aws);
        // Any task's login for the index's registry will do: they all pushed to the same repository.
        return new IndexPublication(new BuildStore(dynamo, table, Clock.systemUTC()), build -> new RegistryClient(
                new PlanCredentials(build.plan().tasks().stream().map(BuildTask::credentials).flatMap(java.util.List::stream)
                        .toList(), build.id(), secrets, ecr)));
    }

    private static String required(Map<String, String> environment, String name) {
        String value = environment.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set");
        }
        return value;
    }
}
