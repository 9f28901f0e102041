package dev.bakery.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.core.BuildPlan;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.PlanJson;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.PlannedBuild;
import dev.bakery.core.SourceFile;
import dev.bakery.core.Digests;
import dev.bakery.testing.SigV4;
import dev.bakery.local.statemachine.ExecutionResult;
import dev.bakery.local.statemachine.ExecutionStatus;
import dev.bakery.local.statemachine.RunningExecution;
import dev.bakery.local.statemachine.TaskFailure;
import dev.bakery.local.tasks.ExecutionStarter;
import dev.bakery.local.tasks.LocalTasks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A real bakery-local in a data dir, and what a client does with it over HTTP and WebSocket.
 * Executions are recorded by {@link Starts} (the runner's seam), and its {@link LocalTasks} kept,
 * so a test plays the state machine's Task states itself.
 */
final class Harness implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    /** The runner's seam: records each start; executions end when stopped. */
    static final class Starts implements ExecutionStarter {
        record Started(String name, JsonNode input, CompletableFuture<ExecutionResult> done) {
        }

        final List<Started> started = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public RunningExecution start(String name, String inputJson) {
            Started run;
            try {
                run = new Started(name, JSON.readTree(inputJson), new CompletableFuture<>());
            } catch (IOException e) {
                throw new IllegalArgumentException(e);
            }
            started.add(run);
            return new RunningExecution() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public void stop() {
                    run.done().complete(new ExecutionResult(name, ExecutionStatus.ABORTED, null, null, null));
                }

                @Override
                public CompletableFuture<ExecutionResult> done() {
                    return run.done();
                }
            };
        }
    }

    record Answer(int status, JsonNode json) {
    }

    final LocalServer server;
    final Starts starts = new Starts();
    final LocalTasks tasks;

    /** Plays one Task state as the state machine would (these tests need no execution context). */
    JsonNode task(String stateName, String resource, JsonNode parameters) throws TaskFailure, InterruptedException {
        return tasks.handle(stateName, resource, parameters, null);
    }
    private final HttpClient http = HttpClient.newHttpClient();

    /** Where {@link #call} goes: this harness's server, or a bakery-local in another process. */
    private final URI rest;

    /** The run's keys: every call and the WebSocket connect are signed with them, as the CLI signs. */
    private final LocalKeys keys;

    private Harness(Path dataDir, String registry, int registryPort) {
        AtomicReference<LocalTasks> kept = new AtomicReference<>();
        server = LocalServer.start(new LocalServer.Config(dataDir, 0, registry, registryPort), tasks -> {
            kept.set((LocalTasks) tasks);
            return starts;
        });
        tasks = kept.get();
        rest = server.restUri();
        keys = server.keys();
    }

    private Harness(URI rest, LocalKeys keys) {
        server = null;
        tasks = null;
        this.rest = rest;
        this.keys = keys;
    }

    /** A client of the REST API of a bakery-local running elsewhere (call, upload, submit only), from its endpoint file. */
    static Harness client(Path dataDir) throws IOException {
        JsonNode endpoint = JSON.readTree(dataDir.resolve(EndpointFile.NAME).toFile());
        return new Harness(URI.create(endpoint.path("rest").asText()), new LocalKeys(
                endpoint.path("credentials").path("accessKeyId").asText(),
                endpoint.path("credentials").path("secretAccessKey").asText()));
    }

    /** With a registry name that no test pushes to. */
    static Harness start(Path dataDir) {
        return new Harness(dataDir, "127.0.0.1:1", 0);
    }

    /** With its own docker-registry on a free port. */
    static Harness withRegistry(Path dataDir) {
        return new Harness(dataDir, null, Ports.claim(0, new UserError("no free port")));
    }

    Answer call(String method, String path, Object body) throws IOException, InterruptedException {
        byte[] bytes = body == null ? new byte[0]
                : (body instanceof String s ? s : JSON.writeValueAsString(body)).getBytes(StandardCharsets.UTF_8);
        URI uri = rest.resolve(path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).method(method, bytes.length == 0
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (bytes.length > 0) {
            request.header("Content-Type", "application/json");
        }
        SigV4.sign(method, uri, bytes, keys.credentials(), LocalAws.REGION.id(), "execute-api").forEach(request::header);
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body().isEmpty() ? null : JSON.readTree(response.body()));
    }

    /** A tar.gz of the files (and, with {@code busybox}, /bin/busybox as "busybox"). */
    static byte[] archive(Map<String, String> files, boolean busybox) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            for (Map.Entry<String, String> file : files.entrySet()) {
                add(tar, file.getKey(), file.getValue().getBytes(StandardCharsets.UTF_8), 0644);
            }
            if (busybox) {
                add(tar, "busybox", Files.readAllBytes(Path.of("/bin/busybox")), 0755);
            }
        }
        return bytes.toByteArray();
    }

    private static void add(TarArchiveOutputStream tar, String name, byte[] content, int mode) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        entry.setMode(mode);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    /** What the CLI does: POST /contexts, then PUT to the presigned URL when it is not stored yet. */
    String upload(byte[] archive) throws IOException, InterruptedException {
        String sha256 = Digests.sha256(archive).substring("sha256:".length());
        Answer offer = call("POST", "/contexts", Map.of("sha256", sha256, "size", archive.length,
                "partSize", dev.bakery.core.api.ApiModel.ContextClaim.DEFAULT_PART_SIZE, "parts", java.util.List.of(sha256)));
        if (offer.status() != 200) {
            throw new IllegalStateException("POST /contexts: " + offer);
        }
        if (!offer.json().path("exists").asBoolean()) {
            JsonNode upload = offer.json().path("upload");
            HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(upload.path("url").asText()))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(archive));
            upload.path("headers").properties().forEach(h -> put.header(h.getKey(), h.getValue().asText()));
            int status = http.send(put.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status != 200) {
                throw new IllegalStateException("PUT to the presigned URL answered " + status);
            }
        }
        return offer.json().path("key").asText();
    }

    static BuildPlan plan(String configYaml) {
        return BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml", configYaml))).builds().getFirst().plan();
    }

    /** POST /builds, with the config's inline passwords as the CLI sends them; the answer's build id. */
    String submit(String contextKey, String configYaml) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("context", contextKey);
        PlannedBuild planned = BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml", configYaml))).builds()
                .getFirst();
        body.set("plan", JSON.readTree(PlanJson.write(planned.plan())));
        if (!planned.inlinePasswords().isEmpty()) {
            body.set("inlinePasswords", JSON.valueToTree(planned.inlinePasswords()));
        }
        Answer answer = call("POST", "/builds", body);
        if (answer.status() != 202) {
            throw new IllegalStateException("POST /builds: " + answer);
        }
        return answer.json().path("buildId").asText();
    }

    /** A WebSocket client of /ws that keeps every text frame. */
    static final class Socket implements WebSocket.Listener, AutoCloseable {
        final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    received.add(JSON.readTree(partial.toString()));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        void send(Object message) throws IOException {
            socket.sendText(JSON.writeValueAsString(message), true).join();
        }

        /** The next frame that matches, waiting up to {@code seconds}; frames before it are dropped. */
        JsonNode await(Predicate<JsonNode> wanted, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            List<JsonNode> skipped = new ArrayList<>();
            while (System.nanoTime() < deadline) {
                JsonNode next = received.poll(100, TimeUnit.MILLISECONDS);
                if (next != null && wanted.test(next)) {
                    return next;
                }
                if (next != null) {
                    skipped.add(next);
                }
            }
            throw new AssertionError("no matching message within " + seconds + " s; got " + skipped);
        }

        @Override
        public void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        }
    }

    Socket connect() {
        Socket listener = new Socket();
        WebSocket.Builder builder = http.newWebSocketBuilder();
        SigV4.sign("GET", server.webSocketUri(), new byte[0], keys.credentials(), LocalAws.REGION.id(), "execute-api")
                .forEach(builder::header);
        listener.socket = builder.buildAsync(server.webSocketUri(), listener).join();
        return listener;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
