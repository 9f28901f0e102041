package dev.bakery.functions.wiring;

import dev.bakery.core.BuildTask;
import dev.bakery.functions.api.RestApi;
import dev.bakery.functions.builds.BuildService;
import dev.bakery.functions.builds.Ownership;
import dev.bakery.functions.contexts.ContextService;
import dev.bakery.functions.index.IndexPublication;
import dev.bakery.functions.live.ConnectionPoster;
import dev.bakery.functions.live.DynamoSubscriptions;
import dev.bakery.functions.live.LogForwarder;
import dev.bakery.functions.live.StatusNotifier;
import dev.bakery.functions.live.Subscriptions;
import dev.bakery.functions.live.WebSocketRoutes;
import dev.bakery.registry.PlanCredentials;
import dev.bakery.registry.RegistryClient;
import dev.bakery.store.BuildStore;
import java.util.List;
import java.util.Objects;

/**
 * The control plane's object graph, wired once per process over its {@link Edges}: every Lambda
 * handler takes its part from the same graph, and the local mode builds the same graph over its own
 * edges. Parts are made on first use, so a handler builds only what it calls.
 */
public final class ControlPlane {

    private final Lazy<BuildStore> store;
    private final Lazy<ContextService> contexts;
    private final Lazy<BuildService> builds;
    private final Lazy<RestApi> restApi;
    private final Lazy<Subscriptions> subscriptions;
    private final Lazy<WebSocketRoutes> webSocketRoutes;
    private final Lazy<LogForwarder> logForwarder;
    private final Lazy<StatusNotifier> statusNotifier;
    private final Lazy<IndexPublication> indexPublication;
    private final Edges edges;

    public ControlPlane(Edges edges) {
        this.edges = Objects.requireNonNull(edges, "edges");
        store = Lazy.of(() -> new BuildStore(edges.dynamo(), edges.table(), edges.clock()));
        contexts = Lazy.of(() -> new ContextService(edges.s3(), edges.presigner(), edges.contextBucket(),
                edges.maxContextBytes()));
        builds = Lazy.of(() -> new BuildService(store.get(), contexts.get()::exists, edges.vault(), edges.executions(),
                edges.logs(), edges.buildSettings(), new Ownership(edges.operators()), edges.clock()));
        restApi = Lazy.of(() -> new RestApi(builds.get(), contexts.get(), edges.maxBodyBytes()));
        subscriptions = Lazy.of(() -> new DynamoSubscriptions(edges.dynamo(), edges.table(), edges.clock()));
        webSocketRoutes = Lazy.of(() -> new WebSocketRoutes(subscriptions.get(), store.get(), new Ownership(edges.operators()),
                edges.clock()));
        logForwarder = Lazy.of(() -> new LogForwarder(subscriptions.get(), edges.connections()));
        statusNotifier = Lazy.of(() -> new StatusNotifier(subscriptions.get(), edges.connections(), store.get()));
        // Any task's login for the index's registry will do: they all pushed to the same repository.
        indexPublication = Lazy.of(() -> new IndexPublication(store.get(), build -> new RegistryClient(edges.registryLogins()
                .orElse(new PlanCredentials(build.plan().tasks().stream().map(BuildTask::credentials).flatMap(List::stream)
                        .toList(), build.id(), edges.secrets(), edges.ecrTokens())))));
    }

    public BuildStore store() {
        return store.get();
    }

    public ContextService contexts() {
        return contexts.get();
    }

    public BuildService builds() {
        return builds.get();
    }

    public RestApi restApi() {
        return restApi.get();
    }

    public Subscriptions subscriptions() {
        return subscriptions.get();
    }

    public WebSocketRoutes webSocketRoutes() {
        return webSocketRoutes.get();
    }

    public LogForwarder logForwarder() {
        return logForwarder.get();
    }

    public StatusNotifier statusNotifier() {
        return statusNotifier.get();
    }

    public IndexPublication indexPublication() {
        return indexPublication.get();
    }

    /** Where live messages are posted (the WebSocket handler answers a subscriber through it too). */
    public ConnectionPoster connections() {
        return edges.connections();
    }
}
