package dev.bakery.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.PlanJson;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.SourceFile;
import dev.bakery.core.Digests;
import dev.bakery.store.BuildRecord;
import dev.bakery.core.status.BuildStatus;
import dev.bakery.store.BuildStore;
import dev.bakery.local.LocalAws;
import dev.bakery.local.LocalServer;
import dev.bakery.testing.SigV4;
import dev.bakery.local.LocalKeys;
import dev.bakery.local.Ports;
import dev.bakery.local.UserError;
import dev.bakery.local.agents.AgentProcesses;
import dev.bakery.local.statemachine.NodeRuntime;
import dev.bakery.local.tasks.ExecutionStarter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The embedded default end to end, in this JVM: {@link LocalServer} with the real state machine under
 * Node, dynalite, S3Proxy, docker-registry on a free loopback port, and agents as processes
 * with buildah, driven over REST and WebSocket as the CLI does. Two such servers run side by side,
 * their builds taking turns (a shared machine's load changes): "before" starts its agents as
 * bakery-local did until issue 19 (on bakery-local.jar's whole classpath, no class-data archive),
 * "after" as it does now ({@link AgentProcesses.Settings#agentJvm}, the archive its first agent writes
 * during the warm-up). Arguments: {@code WORK_DIR LOCAL_JAR}. Two measurements:
 * <ol>
 * <li>control-plane overhead per build, sequential builds of a no-op-sized image (FROM scratch + COPY
 * of a 6-byte file, amd64 only, so no index): what happens before the agent starts and after it
 * finishes, next to the agent's own build time, from the times the agent and the state machine wrote
 * to the table;</li>
 * <li>log latency ("after" only) with builds running at once, each followed on its own WebSocket: for every line
 * the agent stamped, the time it arrived minus its {@code ts}.</li>
 * </ol>
 * All clocks are this machine's (the agent's, Node's and this JVM's system clock), so differences
 * between them need no synchronisation.
 */
public final class LocalModeBench {

    private static final int WARMUPS = 2;
    private static final int BUILDS = 20;
    private static final int CONCURRENT = 5;
    private static final int ROUNDS = 3; // a tiny build prints ~28 lines: more rounds, more lines for p99
    private static final int TIMEOUT_SECONDS = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalModeBench() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]).toAbsolutePath(); // docker-registry runs in its own working directory
        Path localJar = Path.of(args[1]).toAbsolutePath();
        Files.createDirectories(work);
        // Before any logger exists: bakery-local's plain lines, into a file.
        Path log = work.resolve("bakery-local.log");
        System.setProperty("bakery.bench.log", log.toString());
        System.setProperty("log4j2.configurationFile", "local-mode-bench-log4j2.xml");
        // Before: agents as bakery-local started them until issue 19, on `java -jar bakery-local.jar`'s
        // classpath (the jar, and its lib/ through the manifest) without an archive. After: today's default.
        List<String> beforeJvm = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", localJar.toString());
        try (Side before = Side.start("before", work, beforeJvm, false);
                Side after = Side.start("after", work, AgentProcesses.Settings.agentJvm(), true);
                AgentSpawns spawns = AgentSpawns.watch()) {
            System.out.printf(Locale.ROOT, "Local mode on %d cores (%s), load average %s; server log %s%n"
                    + "Image: FROM scratch + COPY of a 6-byte file, amd64 only (no index), pushed to the registry%n"
                    + "Two servers side by side, their builds taking turns:%n"
                    + "  before: agents on bakery-local.jar's whole classpath, no class-data archive: %s%n"
                    + "  after:  agents on their own classpath, from the class-data archive its first agent writes"
                    + " (in a warm-up build)%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"), loadAverage(), log,
                    String.join(" ", beforeJvm));
            overhead(List.of(before, after), spawns);
            System.out.println("   after's archive: " + after.classDataArchive());
            logLatency(after.api, after.context, after.plan);
            System.out.printf(Locale.ROOT, "%nLoad average at the end: %s%n", loadAverage());
        }
        // As bakery-local's Main does: the handlers' metrics library (EMF) leaves a non-daemon sender
        // thread retrying a CloudWatch agent that is not there, which would keep this JVM alive.
        System.exit(0);
    }

    /** One bakery-local, in this JVM, with its agents started one way, and what a client needs to build on it. */
    private record Side(String name, boolean archived, LocalServer server, DynamoDbClient dynamo, Api api, BuildStore store,
            String context, String plan) implements AutoCloseable {

        static Side start(String name, Path work, List<String> agentJvm, boolean archive) throws Exception {
            Path dataDir = Files.createTempDirectory(work, "data-" + name + "-");
            int registryPort = Ports.claim(0, new UserError("no free port for the registry"));
            LocalServer server = LocalServer.start(new LocalServer.Config(dataDir, 0, null, registryPort, agentJvm, archive),
                    ExecutionStarter.stateMachine(NodeRuntime.locate(), LocalAws.substitutions()));
            DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(server.dynamoEndpoint())
                    .region(LocalAws.REGION)
                    .credentialsProvider(StaticCredentialsProvider.create(server.keys().credentials()))
                    .httpClient(UrlConnectionHttpClient.create()).build();
            Api api = new Api(server);
            String plan = PlanJson.write(BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("bakery.yaml", """
                    global:
                      kaniko: {destination: "%s/bench/noop:1"}
                    bake:
                    - arch: amd64
                    """.formatted(server.registry())))).builds().getFirst().plan());
            return new Side(name, archive, server, dynamo, api, new BuildStore(dynamo, LocalAws.TABLE, Clock.systemUTC()),
                    api.upload(archive()), plan);
        }

        /**
         * The class-data archive in the data dir's cds/: the first agent writes it, then a check of it
         * runs (a JVM of its own, which must be gone before the agent starts are counted); fails when
         * there is none within a minute.
         */
        Path classDataArchive() throws IOException, InterruptedException {
            for (int i = 0; i < 600; i++) {
                if (Files.isDirectory(server.dataDir().resolve("cds"))) {
                    try (var files = Files.list(server.dataDir().resolve("cds"))) {
                        var archive = files.filter(f -> f.getFileName().toString().endsWith(".jsa")).findFirst();
                        if (archive.isPresent()) {
                            return archive.get();
                        }
                    }
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException("no class-data archive in " + server.dataDir() + ": see its log");
        }

        @Override
        public void close() {
            dynamo.close();
            server.close();
        }
    }

    /** One build after another, the two sides taking turns, so each measures the control plane alone. */
    private static void overhead(List<Side> sides, AgentSpawns spawns) throws Exception {
        Map<String, Map<String, double[]>> bySide = new LinkedHashMap<>();
        for (Side side : sides) {
            Map<String, double[]> ms = new LinkedHashMap<>();
            for (String name : List.of(SUBMIT_ANSWERED, SUBMIT_SPAWNED, SPAWNED_STARTED, SUBMIT_STARTED, AGENT_BUILD,
                    FINISHED_FINAL, FINAL_SEEN, SUBMIT_FINAL, SUBMIT_SEEN, OVERHEAD)) {
                ms.put(name, new double[BUILDS]);
            }
            bySide.put(side.name(), ms);
        }
        for (int i = -WARMUPS; i < BUILDS; i++) {
            if (i == 0) {
                for (Side side : sides) {
                    if (side.archived()) {
                        side.classDataArchive();
                    }
                }
            }
            for (int turn = 0; turn < sides.size(); turn++) {
                Side side = sides.get(Math.floorMod(i + turn, sides.size())); // each goes first every other time
                Map<String, double[]> ms = bySide.get(side.name());
                try (Follower follower = side.api().follower()) {
                    Instant submitted = Instant.now();
                    String buildId = side.api().submit(side.context(), side.plan());
                    Instant answered = Instant.now();
                    follower.subscribe(buildId);
                    Instant seen = follower.awaitDone(TIMEOUT_SECONDS);
                    BuildRecord build = side.store().build(buildId).orElseThrow();
                    if (build.status() != BuildStatus.SUCCEEDED) {
                        throw new IllegalStateException("build " + buildId + " ended " + build.status() + ": " + build.error());
                    }
                    BuildStore.TimedTask task = side.store().timedTasks(buildId).getFirst();
                    if (i < 0) {
                        continue;
                    }
                    ms.get(SUBMIT_ANSWERED)[i] = millis(submitted, answered);
                    Instant spawned = spawns.between(submitted, task.startedAt());
                    ms.get(SUBMIT_SPAWNED)[i] = millis(submitted, spawned);
                    ms.get(SPAWNED_STARTED)[i] = millis(spawned, task.startedAt());
                    ms.get(SUBMIT_STARTED)[i] = millis(submitted, task.startedAt());
                    ms.get(AGENT_BUILD)[i] = millis(task.startedAt(), task.finishedAt());
                    ms.get(FINISHED_FINAL)[i] = millis(task.finishedAt(), build.updatedAt());
                    ms.get(FINAL_SEEN)[i] = millis(build.updatedAt(), seen);
                    ms.get(SUBMIT_FINAL)[i] = millis(submitted, build.updatedAt());
                    ms.get(SUBMIT_SEEN)[i] = millis(submitted, seen);
                    ms.get(OVERHEAD)[i] = ms.get(SUBMIT_STARTED)[i] + ms.get(FINISHED_FINAL)[i];
                }
            }
        }
        System.out.printf(Locale.ROOT, "%n1. Control-plane overhead per build: %d builds on each side, one after another,"
                + " the sides taking turns (after %d warm-up builds each), ms; load average %s%n", BUILDS, WARMUPS,
                loadAverage());
        System.out.printf(Locale.ROOT, "   %-46s %8s %8s   %8s %8s   %s%n", "", "before", "", "after", "", "after / before");
        System.out.printf(Locale.ROOT, "   %-46s %8s %8s   %8s %8s   %s%n", "", "p50", "p95", "p50", "p95", "(p50)");
        Map<String, double[]> was = bySide.get(sides.get(0).name());
        Map<String, double[]> is = bySide.get(sides.get(1).name());
        was.forEach((name, values) -> {
            double before = percentile(values, 50);
            double after = percentile(is.get(name), 50);
            System.out.printf(Locale.ROOT, "   %-46s %8.0f %8.0f   %8.0f %8.0f   %.2f%n", name, before,
                    percentile(values, 95), after, percentile(is.get(name), 95), after / before);
        });
        System.out.printf(Locale.ROOT, "   submit -> agent started, p50: before %.0f ms, after %.0f ms (%.2f; target <= 600 ms)%n",
                percentile(was.get(SUBMIT_STARTED), 50), percentile(is.get(SUBMIT_STARTED), 50),
                percentile(is.get(SUBMIT_STARTED), 50) / percentile(was.get(SUBMIT_STARTED), 50));
        System.out.println("""
                   submit: this client's clock just before POST /builds. agent process spawned: the agent JVM's start time
                   from the OS (10 ms ticks, calibrated against a process started here). agent started / finished: the
                   task's startedAt / finishedAt as the agent wrote them (started: after its JVM booted and read its task;
                   finished: before it recorded the result and exited). build final: the build's updatedAt when
                   SUCCEEDED, the "Mark build succeeded" state's entered time (before its DynamoDB write). client sees
                   done: the WebSocket "done" message arriving here (after the write, the store's change feed, the notifier).\
                """);
    }

    private static final String SUBMIT_ANSWERED = "submit -> POST /builds answered";
    private static final String SUBMIT_SPAWNED = "submit -> agent process spawned (OS)";
    private static final String SPAWNED_STARTED = "  agent spawned -> started (JVM boot, task read)";
    private static final String SUBMIT_STARTED = "submit -> agent started (task startedAt)";
    private static final String AGENT_BUILD = "agent build (startedAt -> finishedAt)";
    private static final String FINISHED_FINAL = "agent finished -> build final (updatedAt)";
    private static final String FINAL_SEEN = "build final -> client sees done (WebSocket)";
    private static final String SUBMIT_FINAL = "submit -> build final (whole)";
    private static final String SUBMIT_SEEN = "submit -> client sees done";
    private static final String OVERHEAD = "overhead (before start + after finish)";

    /** Rounds of builds submitted back to back, each followed by its own WebSocket client, as five CLIs would. */
    private static void logLatency(Api api, String context, String plan) throws Exception {
        List<Double> total = new ArrayList<>();
        List<Double> toPipeline = new ArrayList<>();
        List<Double> fromPipeline = new ArrayList<>();
        int stored = 0;
        for (int round = 0; round < ROUNDS; round++) {
            stored += round(api, context, plan, total, toPipeline, fromPipeline);
        }
        System.out.printf(Locale.ROOT, "%n2. Log latency: %d builds at once, each followed on its own WebSocket, %d rounds;"
                + " %d agent lines received live of %d stored, ms%n", CONCURRENT, ROUNDS, total.size(), stored);
        System.out.printf(Locale.ROOT, "   %-52s %8s %8s %8s%n", "", "p50", "p99", "max");
        row("agent ts -> received by the client", total);
        row("  agent ts -> accepted by the log pipeline (ms clock)", toPipeline);
        row("  accepted -> received (store, forwarder, WebSocket)", fromPipeline);
        System.out.println("""
                   ts: the agent's Instant.now() as it printed the line; received: this client's clock when the
                   WebSocket frame was complete (where the CLI would print it). Same machine, same clock: no skew.
                   accepted: when the log pipeline took the line from the agent's stdout (GET /logs "timestamp").
                   Lines printed before the client's subscribe arrived are not sent live (GET /logs has them).\
                """);
    }

    /** One round: the builds at once; adds each agent line's latencies; returns how many lines were stored. */
    private static int round(Api api, String context, String plan, List<Double> total, List<Double> toPipeline,
            List<Double> fromPipeline) throws Exception {
        List<Follower> followers = new ArrayList<>();
        List<String> buildIds = new ArrayList<>();
        try {
            for (int i = 0; i < CONCURRENT; i++) {
                followers.add(api.follower());
            }
            for (Follower follower : followers) {
                String buildId = api.submit(context, plan);
                follower.subscribe(buildId);
                buildIds.add(buildId);
            }
            for (Follower follower : followers) {
                follower.awaitDone(TIMEOUT_SECONDS);
            }
        } finally {
            followers.forEach(Follower::close);
        }
        int stored = 0;
        for (int i = 0; i < CONCURRENT; i++) {
            Map<String, Long> accepted = api.storedLines(buildIds.get(i));
            stored += accepted.size();
            for (Follower.Frame frame : followers.get(i).frames) {
                if (!frame.json().path("type").asText().equals("log")) {
                    continue;
                }
                for (JsonNode line : frame.json().path("lines")) {
                    if (line.path("arch").isMissingNode() || line.path("arch").isNull()) {
                        continue; // wrapped stray output: stamped by the pipeline, not by the agent
                    }
                    Instant stamped = Instant.parse(line.path("ts").asText());
                    total.add(millis(stamped, frame.received()));
                    Long at = accepted.get(line.path("id").asText());
                    if (at != null) {
                        toPipeline.add((at - stamped.toEpochMilli()) * 1.0);
                        fromPipeline.add(millis(Instant.ofEpochMilli(at), frame.received()));
                    }
                }
            }
        }
        return stored;
    }

    private static void row(String name, List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        System.out.printf(Locale.ROOT, "   %-52s %8.1f %8.1f %8.1f%n", name, percentile(sorted, 50), percentile(sorted, 99),
                percentile(sorted, 100));
    }

    private static String loadAverage() throws IOException {
        return String.join(" ", Arrays.asList(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
    }

    private static double millis(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }

    /** Nearest rank; 0 is the minimum, 100 the maximum. */
    private static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** The context: a Dockerfile and the tiny file it copies. */
    private static byte[] archive() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            for (Map.Entry<String, String> file : Map.of("Dockerfile", "FROM scratch\nCOPY hello.txt /hello.txt\n",
                    "hello.txt", "hello\n").entrySet()) {
                byte[] content = file.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
                entry.setSize(content.length);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    /**
     * When agent processes started, as the OS says: a watcher notes the start time of every agent JVM
     * among this JVM's descendants. Linux start times count 10 ms ticks from a boot time given in whole
     * seconds, so they are off by a constant under a second: measured once against processes started here.
     */
    private static final class AgentSpawns implements AutoCloseable {
        private final Duration offset;
        private final Set<Instant> seen = ConcurrentHashMap.newKeySet();
        private final Thread watcher;

        private AgentSpawns(Duration offset) {
            this.offset = offset;
            watcher = Thread.ofPlatform().name("agent-spawns").daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    ProcessHandle.current().descendants()
                            // The only JVMs started here are agents (Info cuts their command line at 4 KiB,
                            // before the main class).
                            .filter(p -> p.info().command().orElse("").endsWith("/bin/java"))
                            .forEach(p -> p.info().startInstant().ifPresent(at -> seen.add(at.minus(offset))));
                    try {
                        Thread.sleep(100); // an agent runs for seconds
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        static AgentSpawns watch() throws IOException, InterruptedException {
            long[] offsets = new long[9];
            for (int i = 0; i < offsets.length; i++) {
                Instant before = Instant.now();
                Process process = new ProcessBuilder("sleep", "10").start(); // alive: an exited one has no start time
                Instant reported = process.info().startInstant().orElseThrow();
                process.destroy();
                process.waitFor();
                offsets[i] = Duration.between(before, reported).toNanos();
            }
            Arrays.sort(offsets);
            return new AgentSpawns(Duration.ofNanos(offsets[offsets.length / 2]));
        }

        /** The one agent start seen in the interval (the builds of part 1 run one at a time). */
        Instant between(Instant from, Instant to) {
            List<Instant> starts = seen.stream().filter(at -> !at.isBefore(from.minusMillis(20)) && !at.isAfter(to))
                    .toList();
            if (starts.size() != 1) {
                throw new IllegalStateException("expected one agent start between " + from + " and " + to + ", saw " + seen);
            }
            return starts.getFirst();
        }

        @Override
        public void close() {
            watcher.interrupt();
        }
    }

    /** The REST calls the CLI makes. */
    private static final class Api {
        private final HttpClient http = HttpClient.newHttpClient();
        private final URI rest;
        private final URI webSocket;
        private final LocalKeys keys;

        Api(LocalServer server) {
            rest = server.restUri();
            webSocket = server.webSocketUri();
            keys = server.keys();
        }

        /** Signed with the run's keys, as the CLI signs. */
        private JsonNode call(String method, String path, Object body, int expected) throws IOException, InterruptedException {
            byte[] bytes = body == null ? new byte[0] : JSON.writeValueAsBytes(body);
            HttpRequest.Builder request = HttpRequest.newBuilder(rest.resolve(path)).method(method,
                    body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bytes));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            SigV4.sign(method, rest.resolve(path), bytes, keys.credentials(), LocalAws.REGION.id(), "execute-api")
                    .forEach(request::header);
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expected) {
                throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            return JSON.readTree(response.body());
        }

        /** POST /contexts, then PUT to the presigned URL. */
        String upload(byte[] archive) throws IOException, InterruptedException {
            String sha256 = Digests.sha256(archive).substring("sha256:".length());
            JsonNode offer = call("POST", "/contexts", Map.of("sha256", sha256, "size", archive.length,
                    "partSize", dev.bakery.core.api.ApiModel.ContextClaim.DEFAULT_PART_SIZE, "parts", java.util.List.of(sha256)), 200);
            JsonNode upload = offer.path("upload");
            if (!offer.path("exists").asBoolean()) {
                HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(upload.path("url").asText()))
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(archive));
                upload.path("headers").properties().forEach(h -> put.header(h.getKey(), h.getValue().asText()));
                int status = http.send(put.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status != 200) {
                    throw new IllegalStateException("PUT to the presigned URL answered " + status);
                }
            }
            return offer.path("key").asText();
        }

        String submit(String context, String plan) throws IOException, InterruptedException {
            ObjectNode body = JSON.createObjectNode().put("context", context);
            body.set("plan", JSON.readTree(plan));
            return call("POST", "/builds", body, 202).path("buildId").asText();
        }

        /** The stored lines' ids and when the log pipeline accepted each (epoch ms). */
        Map<String, Long> storedLines(String buildId) throws IOException, InterruptedException {
            Map<String, Long> accepted = new HashMap<>();
            String next = null;
            do {
                JsonNode page = call("GET", "/builds/" + buildId + "/logs?limit=10000"
                        + (next == null ? "" : "&next=" + URLEncoder.encode(next, StandardCharsets.UTF_8)), null, 200);
                page.path("lines").forEach(l -> accepted.put(l.path("id").asText(), l.path("timestamp").asLong()));
                next = page.path("next").isTextual() ? page.path("next").asText() : null;
            } while (next != null);
            return accepted;
        }

        Follower follower() {
            Follower follower = new Follower();
            WebSocket.Builder builder = http.newWebSocketBuilder();
            SigV4.sign("GET", webSocket, new byte[0], keys.credentials(), LocalAws.REGION.id(), "execute-api")
                    .forEach(builder::header);
            follower.socket = builder.buildAsync(webSocket, follower).join();
            return follower;
        }
    }

    /** A WebSocket client that stamps every message with the time it arrived. */
    private static final class Follower implements WebSocket.Listener, AutoCloseable {
        record Frame(Instant received, JsonNode json) {
        }

        final List<Frame> frames = new CopyOnWriteArrayList<>();
        private final BlockingQueue<Frame> done = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                Instant received = Instant.now();
                try {
                    Frame frame = new Frame(received, JSON.readTree(partial.toString()));
                    frames.add(frame);
                    if (frame.json().path("type").asText().equals("done")) {
                        done.add(frame);
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        void subscribe(String buildId) throws IOException {
            socket.sendText(JSON.writeValueAsString(Map.of("action", "subscribe", "buildId", buildId)), true).join();
        }

        /** When the "done" message arrived; fails unless it says SUCCEEDED. */
        Instant awaitDone(int seconds) throws InterruptedException {
            Frame frame = done.poll(seconds, TimeUnit.SECONDS);
            if (frame == null) {
                throw new IllegalStateException("no \"done\" within " + seconds + " s; got " + frames);
            }
            if (!frame.json().path("status").asText().equals("SUCCEEDED")) {
                throw new IllegalStateException("the build ended " + frame.json());
            }
            return frame.received();
        }

        @Override
        public void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        }
    }
}
