package dev.bakery.local;

import dev.bakery.local.agents.AgentProcesses;
import dev.bakery.local.tasks.ExecutionStarter;
import dev.bakery.local.statemachine.NodeRuntime;
import dev.bakery.local.statemachine.TaskHandler;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bakery-local}: starts the embedded control plane and serves until stopped (Ctrl-C,
 * SIGTERM). Problems a newcomer can fix end it with one sentence on stderr and exit code 2.
 */
@Command(name = "bakery-local", mixinStandardHelpOptions = true, sortOptions = false, subcommands = DemoCommand.class,
        description = "Runs Bakery's control plane on this machine: the REST and WebSocket API on 127.0.0.1, "
                + "dynalite, S3Proxy, a registry, and build agents with buildah.")
public final class Main implements Callable<Integer> {

    /** Exit code of a start refused for a reason the user can fix. */
    public static final int USER_ERROR = 2;
    public static final int DEFAULT_PORT = 8420;

    @Option(names = "--port", paramLabel = "N", defaultValue = "" + DEFAULT_PORT,
            description = "the API's port on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 picks a free one)")
    int port;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "where builds, logs, contexts and images are kept (default $BAKERY_LOCAL_DIR or ~/.bakery/local)")
    Path dataDir;

    @Option(names = "--ephemeral", description = "keep everything in a temporary directory, deleted on exit")
    boolean ephemeral;

    @Option(names = "--registry", paramLabel = "HOST:PORT",
            description = "push to this registry instead of starting docker-registry")
    String registry;

    @Option(names = "--registry-port", paramLabel = "N", defaultValue = "5000",
            description = "the port of the docker-registry started on 127.0.0.1 (default ${DEFAULT-VALUE})")
    int registryPort;

    private Path dataDirInUse;
    private final Map<String, String> environment;
    private final long uid;
    private final Function<TaskHandler, ExecutionStarter> runner;

    public Main(Map<String, String> environment, long uid, Function<TaskHandler, ExecutionStarter> runner) {
        this.environment = environment;
        this.uid = uid;
        this.runner = runner;
    }

    public static void main(String[] args) {
        // Before any logger exists: plain lines on stderr instead of the Lambda JSON layout.
        System.setProperty("log4j2.configurationFile", "bakery-local-log4j2.xml");
        // lib/ also holds the agents' slf4j-nop (their classpath is the agent jar's own); this process logs
        // through Log4j, named here so that SLF4J does not scan and warn about two providers.
        System.setProperty("slf4j.provider", "org.apache.logging.slf4j.SLF4JServiceProvider");
        System.setProperty("slf4j.internal.verbosity", "WARN");
        Function<TaskHandler, ExecutionStarter> stateMachine =
                tasks -> ExecutionStarter.stateMachine(node(), LocalAws.substitutions()).apply(tasks);
        int code = commandLine(new Main(System.getenv(), Prerequisites.currentUid(), stateMachine)).execute(args);
        System.exit(code);
    }

    /** Node 22 and aws-local-stepfunctions, or the sentence saying what to install. */
    private static NodeRuntime node() {
        try {
            return NodeRuntime.locate();
        } catch (IllegalStateException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** The command with its error handling: a {@link UserError} is its sentence, nothing else. */
    public static CommandLine commandLine(Main main) {
        CommandLine command = new CommandLine(main);
        command.setExecutionExceptionHandler((e, line, parsed) -> {
            PrintWriter err = line.getErr();
            if (e instanceof UserError) {
                err.println("bakery-local: " + e.getMessage());
                return USER_ERROR;
            }
            err.println("bakery-local: " + e.getMessage());
            return 1;
        });
        return command;
    }

    @Override
    public Integer call() throws InterruptedException {
        LocalServer server = start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            if (ephemeral) {
                deleteTree(server.dataDir());
            }
            stopped.countDown();
        }, "bakery-local-stop"));
        System.out.println("bakery-local is ready: REST " + server.restUri() + ", WebSocket " + server.webSocketUri()
                + ", registry " + server.registry() + ", data in " + server.dataDir());
        System.out.println("Use it with: bakery build --endpoint local   (stop with Ctrl-C)");
        stopped.await();
        return 0;
    }

    /** Checks the machine and the options, then starts the server. */
    public LocalServer start() {
        if (ephemeral && dataDir != null) {
            throw new UserError("--ephemeral and --data-dir exclude each other: pass one of them");
        }
        if (registry != null && !registry.matches("[A-Za-z0-9.-]+:\\d{1,5}")) {
            throw new UserError("--registry must be HOST:PORT, e.g. --registry 127.0.0.1:5000, not \"" + registry + "\"");
        }
        new Prerequisites(environment, uid).check(registry == null);
        dataDirInUse = dataDir();
        // BAKERY_CDS=off: agents without the class-data archive, as the CLI's launcher takes it.
        return LocalServer.start(new LocalServer.Config(dataDirInUse, port, registry, registryPort,
                AgentProcesses.Settings.agentJvm(), !"off".equals(environment.get("BAKERY_CDS"))), runner);
    }

    private Path dataDir() {
        if (ephemeral) {
            try {
                return Files.createTempDirectory("bakery-local-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temporary directory", e);
            }
        }
        if (dataDir != null) {
            return dataDir.toAbsolutePath();
        }
        String fromEnvironment = environment.get("BAKERY_LOCAL_DIR");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return Path.of(fromEnvironment).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".bakery", "local");
    }

    /** The data directory of the server {@link #start} started. */
    Path dataDirInUse() {
        return dataDirInUse;
    }

    static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            System.err.println("bakery-local: could not delete " + root + ": " + e.getMessage());
        }
    }
}
