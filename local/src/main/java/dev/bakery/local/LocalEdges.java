package dev.bakery.local;

import dev.bakery.core.Arch;
import dev.bakery.emulators.S3Emulator;
import dev.bakery.functions.builds.BuildService;
import dev.bakery.functions.builds.Executions;
import dev.bakery.functions.builds.LogSource;
import dev.bakery.functions.builds.SecretVault;
import dev.bakery.functions.live.ConnectionPoster;
import dev.bakery.functions.wiring.Edges;
import dev.bakery.local.gateway.LocalConnections;
import dev.bakery.local.logs.LogStore;
import dev.bakery.local.secrets.LocalSecretVault;
import dev.bakery.registry.EcrTokens;
import dev.bakery.registry.RegistryCredentials;
import dev.bakery.registry.SecretReader;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * What the control plane talks to on one machine: the local store and S3, the vault under the data
 * dir, the log store, the gateway's sockets and the local executions. The graph over them is the
 * Lambda handlers' own ({@link dev.bakery.functions.wiring.ControlPlane}).
 *
 * @param lateExecutions given late: the executions run agents, whose log pipeline needs the graph first
 * @param registryLogins  the local registry's login, which pushes of the index need
 */
record LocalEdges(DynamoDbClient dynamo, S3Emulator storage, LocalSecretVault localVault, LogStore logStore,
        LocalConnections localConnections, Supplier<Executions> lateExecutions, RegistryCredentials registryLogins,
        Clock clock) implements Edges {

    static final long MAX_CONTEXT_BYTES = 2L << 30;
    static final int MAX_BODY_BYTES = 1 << 20;
    static final Duration RETENTION = Duration.ofDays(90);

    @Override
    public String table() {
        return LocalAws.TABLE;
    }

    @Override
    public S3Client s3() {
        return storage.client();
    }

    @Override
    public S3Presigner presigner() {
        return storage.presigner();
    }

    @Override
    public String contextBucket() {
        return LocalAws.CONTEXT_BUCKET;
    }

    @Override
    public long maxContextBytes() {
        return MAX_CONTEXT_BYTES;
    }

    @Override
    public int maxBodyBytes() {
        return MAX_BODY_BYTES;
    }

    @Override
    public SecretVault vault() {
        return localVault;
    }

    @Override
    public SecretReader secrets() {
        return localVault;
    }

    /** No ECR here: a plan's ECR registries need logins of their own (a secret or a password). */
    @Override
    public EcrTokens ecrTokens() {
        return EcrTokens.none();
    }

    @Override
    public Executions executions() {
        return lateExecutions.get();
    }

    @Override
    public LogSource logs() {
        return logStore;
    }

    @Override
    public ConnectionPoster connections() {
        return localConnections;
    }

    @Override
    public BuildService.Settings buildSettings() {
        return new BuildService.Settings(Map.of(Arch.AMD64, LocalAws.TASK_DEFINITION_AMD64, Arch.ARM64,
                LocalAws.TASK_DEFINITION_ARM64), LocalAws.ACTIVITY_ARN, RETENTION);
    }

    /** The user who started bakery-local: the gateway puts its principal on every event. */
    @Override
    public List<String> operators() {
        return List.of(LocalAws.PRINCIPAL);
    }
}
