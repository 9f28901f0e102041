package dev.bakery.functions.wiring;

import dev.bakery.functions.builds.BuildService;
import dev.bakery.functions.builds.Executions;
import dev.bakery.functions.builds.LogSource;
import dev.bakery.functions.builds.SecretVault;
import dev.bakery.functions.live.ConnectionPoster;
import dev.bakery.registry.EcrTokens;
import dev.bakery.registry.RegistryCredentials;
import dev.bakery.registry.SecretReader;
import java.time.Clock;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * What the control plane talks to, and the only thing that differs between AWS ({@link AwsEdges})
 * and the local mode: the table, the context bucket, the secret vault, the executions, the stored
 * logs and the WebSocket connections. {@link ControlPlane} builds everything else the same way for
 * both. Methods are called when a part that needs them is first built, some more than once: each
 * returns the same instance every time.
 */
public interface Edges {

    DynamoDbClient dynamo();

    String table();

    S3Client s3();

    S3Presigner presigner();

    String contextBucket();

    /** Largest context archive accepted, in bytes. */
    long maxContextBytes();

    /** Largest REST request body accepted, in bytes. */
    int maxBodyBytes();

    SecretVault vault();

    /** Reads the secrets a plan's registry logins name. */
    SecretReader secrets();

    EcrTokens ecrTokens();

    /** Logins the index publisher uses before the plan's (the local mode's own registry's); none in AWS. */
    default RegistryCredentials registryLogins() {
        return RegistryCredentials.none();
    }

    Executions executions();

    LogSource logs();

    ConnectionPoster connections();

    BuildService.Settings buildSettings();

    /** Role or user ARNs that may read, follow and cancel every build and list them all (builds.Ownership). */
    List<String> operators();

    Clock clock();
}
