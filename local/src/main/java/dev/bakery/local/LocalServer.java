package dev.bakery.local;

import dev.bakery.emulators.DynamoDbEmulator;
import dev.bakery.emulators.DynamoDbFront;
import dev.bakery.emulators.RegistryEmulator;
import dev.bakery.emulators.S3Emulator;
import dev.bakery.functions.handler.LogForwarderHandler;
import dev.bakery.functions.handler.PublishIndexHandler;
import dev.bakery.functions.handler.RestApiHandler;
import dev.bakery.functions.handler.StatusNotifierHandler;
import dev.bakery.functions.handler.WebSocketHandler;
import dev.bakery.store.BakeryTable;
import dev.bakery.store.BuildPage;
import dev.bakery.store.BuildRecord;
import dev.bakery.core.status.BuildStatus;
import dev.bakery.store.BuildStore;
import dev.bakery.functions.wiring.ControlPlane;
import dev.bakery.local.agents.AgentProcesses;
import dev.bakery.local.gateway.Gateway;
import dev.bakery.local.gateway.LocalConnections;
import dev.bakery.local.logs.LogPipeline;
import dev.bakery.local.logs.LogStore;
import dev.bakery.local.registry.LocalRegistry;
import dev.bakery.registry.Login;
import dev.bakery.registry.RegistryCredentials;
import dev.bakery.local.secrets.LocalSecretVault;
import dev.bakery.local.status.ChangeFeed;
import dev.bakery.aws.SigV4Verifier;
import dev.bakery.local.tasks.ExecutionStarter;
import dev.bakery.local.tasks.LocalExecutions;
import dev.bakery.local.tasks.LocalTasks;
import dev.bakery.local.tasks.DynamoDbUpdateItem;
import dev.bakery.local.statemachine.TaskHandler;
import dev.bakery.functions.builds.Executions;
import java.util.concurrent.atomic.AtomicReference;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The whole control plane on one machine (DESIGN.md, section Embedded default): dynalite and
 * S3Proxy with their data under the data dir, a registry, the real handlers behind one loopback
 * port, the log pipeline and the store's change feed reaching the WebSocket subscribers, and agents as
 * local processes. Executions come from the {@link ExecutionStarter} the caller builds over
 * {@link LocalTasks} (normally the local Step Functions runner). close() stops everything in reverse order.
 */
public final class LocalServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalServer.class);
    private static final Set<String> KEY_ATTRIBUTES = Set.of(BakeryTable.PK, BakeryTable.SK);

    /**
     * @param dataDir      everything kept between runs lives here
     * @param port         the API's port on 127.0.0.1 (0: a free one)
     * @param registry     the user's registry {@code HOST:PORT}, or null to start docker-registry
     * @param registryPort the started registry's port on 127.0.0.1
     * @param agentJvm     the agents' JVM and its options up to the main class ({@link AgentProcesses.Settings#agentJvm})
     * @param agentArchive whether agents start from a class-data archive (kept in the data dir's {@code cds/})
     */
    public record Config(Path dataDir, int port, String registry, int registryPort, List<String> agentJvm,
            boolean agentArchive) {
        /** Agents on their own classpath, from the archive. */
        public Config(Path dataDir, int port, String registry, int registryPort) {
            this(dataDir, port, registry, registryPort, AgentProcesses.Settings.agentJvm(), true);
        }
    }

    private final Deque<AutoCloseable> started;
    private final Path dataDir;
    private final String registry;
    /** What pushes to the started registry log in with; null when the user brought one. */
    private final Login registryLogin;
    private final LocalKeys keys;
    private final Gateway gateway;
    private final DynamoDbFront table;
    private final S3Emulator s3;
    private final AgentProcesses agents;
    private final LogPipeline logs;
    private final LocalExecutions executions;

    private LocalServer(Config config, Function<TaskHandler, ExecutionStarter> runner, Deque<AutoCloseable> started)
            throws Exception {
        this.started = started;
        dataDir = config.dataDir();
        Files.createDirectories(dataDir);
        // The store's socket, the run's keys and every build's files live here: its owner's alone.
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
        EndpointFile.livePid(dataDir).ifPresent(pid -> {
            throw new UserError("bakery-local is already running on " + dataDir + " (pid " + pid
                    + "): stop it first, or pass another --data-dir");
        });
        // A run that died (kill -9, a crash) left its registry, agents and the rest running: end them first.
        int leftovers = ChildPids.killLeftovers(dataDir);
        if (leftovers > 0) {
            LOG.info("ended {} processes the previous run on {} left behind", leftovers, dataDir);
        }
        keep(ChildPids.watch(dataDir));
        int port = Ports.claim(config.port(), new UserError("port " + config.port()
                + " on 127.0.0.1 is taken (is bakery-local already running?): stop what uses it, or pass --port N "
                + "(0 picks a free port)"));
        URI rest = URI.create("http://127.0.0.1:" + port);

        keys = LocalKeys.random();
        if (config.registry() == null) {
            Path directory = dataDir.resolve("registry");
            keep(new Supervised<>("docker-registry", LocalRegistry.engine(directory), RegistryEmulator::isAlive));
            LocalKeys pushKeys = LocalKeys.random();
            registryLogin = new Login(pushKeys.accessKeyId(), pushKeys.secretAccessKey());
            registry = keep(LocalRegistry.start(directory, config.registryPort(), registryLogin)).host();
        } else {
            registryLogin = null;
            registry = config.registry();
        }
        RegistryCredentials registryLogins = registryLogin == null ? RegistryCredentials.none()
                : RegistryCredentials.of(Map.of(registry, registryLogin));
        ChangeFeed changes = keep(new ChangeFeed(LocalAws.TABLE_STREAM_ARN, LocalAws.REGION.id(), KEY_ATTRIBUTES));
        table = startTable(changes);
        DynamoDbClient dynamoClient = keep(DynamoDbEmulator.client(table.endpoint(), keys.provider()));
        DynamoDbEmulator.createTableIfMissing(dynamoClient, BakeryTable.definition(LocalAws.TABLE));
        s3 = keep(S3Emulator.onDisk(dataDir.resolve("s3"), keys.credentials()));
        if (s3.client().listBuckets().buckets().stream().noneMatch(b -> b.name().equals(LocalAws.CONTEXT_BUCKET))) {
            s3.client().createBucket(r -> r.bucket(LocalAws.CONTEXT_BUCKET));
        }
        LocalSecretVault vault = new LocalSecretVault(dataDir.resolve("secrets"));
        LocalConnections connections = new LocalConnections();
        LogStore logStore = new LogStore(dataDir.resolve("logs"));
        // The Lambda handlers' own graph over this machine's edges; executions come last (they need the agents).
        AtomicReference<Executions> executionsLater = new AtomicReference<>();
        ControlPlane plane = new ControlPlane(new LocalEdges(dynamoClient, s3, vault, logStore, connections,
                executionsLater::get, registryLogins, Clock.systemUTC()));
        failInterrupted(plane.store(), vault);
        // No agent runs yet: whatever is in the task directories (contexts, registry logins) is a dead run's.
        if (Files.exists(dataDir.resolve("tasks"))) {
            Main.deleteTree(dataDir.resolve("tasks"));
        }

        logs = keep(new LogPipeline(logStore, new LogForwarderHandler(plane.logForwarder()), Clock.systemUTC()));
        changes.deliverTo(new StatusNotifierHandler(plane.statusNotifier()));

        agents = keep(new AgentProcesses(new AgentProcesses.Settings(config.agentJvm(), dataDir.resolve("tasks"),
                agentEnvironment(rest), keys, registryLogin == null ? Map.of() : Map.of(registry, registryLogin),
                config.agentArchive() ? dataDir.resolve("cds") : null), logs));
        ExecutionStarter starter = keep(runner.apply(new LocalTasks(agents, new PublishIndexHandler(plane.indexPublication()),
                new DynamoDbUpdateItem(table.endpoint(), keys.provider()), vault)));
        executions = new LocalExecutions(starter, agents, rest);
        executionsLater.set(executions);

        gateway = keep(Gateway.start(port, new RestApiHandler(plane.restApi()),
                new WebSocketHandler(plane.webSocketRoutes(), plane.connections()), connections, vault, keys));
        EndpointFile.write(dataDir, gateway.restUri(), gateway.webSocketUri(), ProcessHandle.current().pid(), registry, keys,
                registryLogin);
    }

    /** Starts it; on failure, whatever had started is stopped again. */
    public static LocalServer start(Config config, Function<TaskHandler, ExecutionStarter> runner) {
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            return new LocalServer(config, runner, started);
        } catch (Exception e) {
            closeAll(started);
            if (e instanceof UserError userError) {
                throw userError;
            }
            throw new IllegalStateException("bakery-local could not start: " + e.getMessage(), e);
        }
    }

    /**
     * What every agent's environment holds: where the table, the contexts and the secrets are (Secrets
     * Manager is the gateway, at {@code rest}). The run's keys go on its stdin (AgentProcesses).
     */
    private Map<String, String> agentEnvironment(URI rest) {
        return Map.of("BAKERY_TABLE", LocalAws.TABLE, "BAKERY_CONTEXT_BUCKET", LocalAws.CONTEXT_BUCKET,
                "BAKERY_DYNAMODB_ENDPOINT", table.endpoint().toString(), "BAKERY_S3_ENDPOINT", s3.endpoint().toString(),
                "AWS_ENDPOINT_URL_SECRETS_MANAGER", rest.toString(), "AWS_REGION", LocalAws.REGION.id());
    }

    /**
     * dynalite with its LevelDB under the data dir, listening on a Unix socket there only (the data
     * dir is its owner's alone), and its one way in for everyone: a front on 127.0.0.1 that takes
     * requests signed with the run's keys and reports item changes in place of a stream.
     */
    private DynamoDbFront startTable(ChangeFeed changes) {
        // Restarted on the same socket when it dies, so the front (and everyone behind it) never notices.
        DynamoDbEmulator engine = keep(new Supervised<>("dynalite", () -> DynamoDbEmulator.onUnixSocket(
                dataDir.resolve("dynamodb.sock"), dataDir.resolve("dynamodb")), DynamoDbEmulator::isAlive)).current();
        SigV4Verifier verifier = new SigV4Verifier(keys.credentials(), LocalAws.REGION.id(), "dynamodb",
                List.of("x-amz-target"), Clock.systemUTC());
        return keep(DynamoDbFront.start(engine, (method, uri, headers, body) -> verifier.verify(method, uri, headers, body)
                .map(refusal -> refusal.code() + ": " + refusal.message()), KEY_ATTRIBUTES, changes));
    }

    /**
     * Builds the previous run left unfinished have no execution any more: they failed, and their
     * secrets (inline registry passwords) go, as the execution's clean-up step would have removed them.
     */
    private static void failInterrupted(BuildStore store, LocalSecretVault vault) {
        for (BuildStatus status : Set.of(BuildStatus.QUEUED, BuildStatus.RUNNING)) {
            String next = null;
            do {
                BuildPage page = store.list(100, status, next);
                for (BuildRecord build : page.builds()) {
                    if (store.transition(build.id(), Set.of(BuildStatus.QUEUED, BuildStatus.RUNNING), BuildStatus.FAILED,
                            "interrupted: the control plane (bakery-local) stopped while the build ran; submit it again")) {
                        store.cancelTasks(build.id());
                        if (build.secretArn() != null) {
                            vault.remove(build.secretArn());
                        }
                        LOG.info("build {} was interrupted by the last stop: marked FAILED", build.id());
                    }
                }
                next = page.next();
            } while (next != null);
        }
    }

    private <T extends AutoCloseable> T keep(T resource) {
        started.push(resource);
        return resource;
    }

    public URI restUri() {
        return gateway.restUri();
    }

    public URI webSocketUri() {
        return gateway.webSocketUri();
    }

    /** {@code HOST:PORT} of the registry builds push to. */
    public String registry() {
        return registry;
    }

    /** The login pushes to the started registry need (empty when the user brought a registry). */
    public java.util.Optional<Login> registryLogin() {
        return java.util.Optional.ofNullable(registryLogin);
    }

    /** The keys of this run: S3Proxy and the Secrets Manager endpoint accept only their signatures. */
    public LocalKeys keys() {
        return keys;
    }

    /** The store's front: it takes only requests signed with {@link #keys}. */
    public URI dynamoEndpoint() {
        return table.endpoint();
    }

    public URI s3Endpoint() {
        return s3.endpoint();
    }

    public Path dataDir() {
        return dataDir;
    }

    public AgentProcesses agents() {
        return agents;
    }

    /** Where agent output goes (stored for replay, forwarded to WebSocket subscribers). */
    public LogPipeline logs() {
        return logs;
    }

    @Override
    public void close() {
        EndpointFile.delete(dataDir);
        executions.stopAll();
        closeAll(started);
    }

    private static void closeAll(Deque<AutoCloseable> resources) {
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                LOG.warn("stopping failed: {}", e.toString());
            }
        }
    }
}
