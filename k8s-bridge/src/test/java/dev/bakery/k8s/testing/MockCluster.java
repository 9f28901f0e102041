package dev.bakery.k8s.testing;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fabric8's mock API server in CRUD mode, on 127.0.0.1, playing the parts of a cluster that CRUD
 * mode lacks: the Job controller (a test makes the pod of a Job), the kubelet (a test sets the pod's
 * status and appends log lines, which {@code GET .../pods/<pod>/log} serves with {@code timestamps}
 * and {@code sinceTime} honoured). Every request is recorded.
 */
public final class MockCluster implements AutoCloseable {

    public static final String NAMESPACE = "bakery";
    private static final Pattern LOG_PATH = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/]+)/log(?:\\?(.*))?");

    /** One request as the API server got it. */
    public record Request(String method, String path, String body) {
    }

    private record Line(Instant at, String text) {
    }

    private final Map<String, List<Line>> logs = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final KubernetesMockServer server;
    private final NamespacedKubernetesClient client;

    public MockCluster() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMixedDispatcher crud = new KubernetesMixedDispatcher(responses);
        Dispatcher dispatcher = new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                // getBytes() leaves the body for the CRUD dispatcher (getUtf8Body() would consume it).
                requests.add(new Request(request.getMethod(), request.getPath(),
                        new String(request.getBody().getBytes(), StandardCharsets.UTF_8)));
                Matcher log = LOG_PATH.matcher(request.getPath());
                return log.matches() ? log(log.group(2), log.group(3)) : crud.dispatch(request);
            }
        };
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient().inNamespace(NAMESPACE);
    }

    /** A client of the server (what the bridge under test gets). */
    public NamespacedKubernetesClient client() {
        return client;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public Job job(String name) {
        return client.batch().v1().jobs().withName(name).get();
    }

    public List<Job> jobs() {
        return client.batch().v1().jobs().list().getItems();
    }

    /** What the Job controller does once a Job is not suspended: one pod from its template. */
    public Pod podFor(String jobName) {
        Job job = job(jobName);
        Pod pod = new PodBuilder()
                .withNewMetadata().withName(jobName + "-x7k2p").withNamespace(NAMESPACE)
                    .withLabels(job.getSpec().getTemplate().getMetadata().getLabels())
                    .withCreationTimestamp(Instant.now().toString()).endMetadata()
                .withSpec(job.getSpec().getTemplate().getSpec())
                .withStatus(new PodStatusBuilder().withPhase("Pending").build())
                .build();
        return client.pods().resource(pod).create();
    }

    /** What the kubelet reports. */
    public void status(String podName, PodStatus status) {
        Pod pod = client.pods().withName(podName).get();
        pod.setStatus(status);
        client.pods().resource(pod).updateStatus();
    }

    public void running(String podName, String container, Instant startedAt) {
        status(podName, new PodStatusBuilder().withPhase("Running")
                .withContainerStatuses(new ContainerStatusBuilder().withName(container).withNewState()
                        .withNewRunning().withStartedAt(startedAt.toString()).endRunning().endState().build())
                .build());
    }

    public void terminated(String podName, String container, String phase, int exitCode, String reason, String message,
            Instant startedAt) {
        status(podName, new PodStatusBuilder().withPhase(phase)
                .withContainerStatuses(new ContainerStatusBuilder().withName(container).withNewState()
                        .withNewTerminated().withExitCode(exitCode).withReason(reason).withMessage(message)
                        .withStartedAt(startedAt.toString()).withFinishedAt(Instant.now().toString()).endTerminated()
                        .endState().build())
                .build());
    }

    /** What the Job controller writes when activeDeadlineSeconds passed. */
    public void deadlineExceeded(String jobName) {
        Job job = job(jobName);
        job.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder().withConditions(new JobConditionBuilder()
                .withType("Failed").withStatus("True").withReason("DeadlineExceeded")
                .withMessage("Job was active longer than specified deadline").build()).withFailed(1).build());
        client.batch().v1().jobs().resource(job).updateStatus();
    }

    /** The agent prints a line. */
    public void log(String podName, Instant at, String text) {
        logs.computeIfAbsent(podName, p -> new CopyOnWriteArrayList<>()).add(new Line(at, text));
    }

    private MockResponse log(String pod, String query) {
        Map<String, String> params = new HashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                params.put(pair.substring(0, Math.max(eq, 0)), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        Instant since = params.containsKey("sinceTime") ? Instant.parse(params.get("sinceTime")) : Instant.MIN;
        boolean timestamps = "true".equals(params.get("timestamps"));
        StringBuilder body = new StringBuilder();
        for (Line line : logs.getOrDefault(pod, List.of())) {
            if (!line.at().isBefore(since)) {
                body.append(timestamps ? line.at() + " " : "").append(line.text()).append('\n');
            }
        }
        return new MockResponse().setResponseCode(200).setBody(body.toString());
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
