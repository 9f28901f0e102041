package dev.bakery.cli.follow;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.bakery.cli.api.ApiException;
import dev.bakery.core.retry.Backoff;
import dev.bakery.core.api.ApiModel;
import dev.bakery.cli.api.BakeryApi;
import dev.bakery.core.live.LiveMessage;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Follows one build to its end. Over the WebSocket API when there is one: connect, subscribe, then
 * replay the stored lines (so nothing said before the subscription is missed), then print what is
 * pushed; lines are merged by event id, so a line that is both replayed and pushed appears once. A
 * dropped socket is reconnected with backoff, and the replay after the new subscription fills the
 * gap. Without a WebSocket URL, or when it keeps failing, it polls the REST API instead. A quiet
 * socket is pinged and the REST API read meanwhile; one that does not answer is replaced, so a
 * connection lost without a word never hangs the CLI.
 */
public final class BuildFollower {

    /**
     * @param quiet             after this long without a message, the socket is pinged and the build's status
     *                          and lines are read over REST; after twice this long, the socket is taken for dead
     * @param pollInterval      between polls when following without a socket
     * @param backoff           the pauses between reconnects
     * @param maxSocketFailures consecutive failed connections before falling back to polling
     */
    public record Settings(Duration quiet, Duration pollInterval, Backoff backoff, int maxSocketFailures,
            Duration connectTimeout) {
        public static final Settings STANDARD = new Settings(Duration.ofSeconds(30), Duration.ofSeconds(2),
                new Backoff(Duration.ofMillis(500), Duration.ofSeconds(15)), 6, Duration.ofSeconds(10));
    }

    private final BakeryApi api;
    private final Settings settings;

    public BuildFollower(BakeryApi api, Settings settings) {
        this.api = api;
        this.settings = settings;
    }

    /** Follows until the build is over; returns its summary. */
    public LiveMessage.Done follow(String buildId, FollowListener listener) throws InterruptedException {
        return new Run(buildId, listener).follow();
    }

    /** The state of one follow: lines seen and the last status of the build and of each task. */
    private final class Run {
        private final String buildId;
        private final FollowListener listener;
        private final LogReplay replay;
        private final Map<String, String> statuses = new HashMap<>();

        Run(String buildId, FollowListener listener) {
            this.buildId = buildId;
            this.listener = listener;
            this.replay = new LogReplay(api, buildId);
        }

        LiveMessage.Done follow() throws InterruptedException {
            URI websocket = api.endpoint().websocket();
            if (websocket == null) {
                return poll();
            }
            int failures = 0;
            while (true) {
                LiveSocket socket;
                try {
                    socket = LiveSocket.open(api.transport().client(), websocket, api.endpoint().signer(), settings.connectTimeout());
                } catch (IOException e) {
                    failures++;
                    if (failures >= settings.maxSocketFailures()) {
                        listener.notice("cannot connect to " + websocket + " (" + e.getMessage() + "); following by polling instead");
                        return poll();
                    }
                    pause(failures);
                    continue;
                }
                Outcome outcome;
                try {
                    socket.send(JsonNodeFactory.instance.objectNode().put("action", "subscribe").put("buildId", buildId).toString());
                    replay.replay(listener::line);
                    outcome = listen(socket);
                } finally {
                    socket.close();
                }
                if (outcome.done() != null) {
                    replay.replay(listener::line); // lines stored after the last push, if any
                    return outcome.done();
                }
                failures = outcome.subscribed() ? 1 : failures + 1;
                if (failures >= settings.maxSocketFailures()) {
                    listener.notice("live connection lost again (" + outcome.why() + "); following by polling instead");
                    return poll();
                }
                listener.notice("live connection lost (" + outcome.why() + "); reconnecting");
                pause(failures);
            }
        }

        private record Outcome(LiveMessage.Done done, boolean subscribed, String why) {
        }

        private Outcome listen(LiveSocket socket) throws InterruptedException {
            boolean subscribed = false;
            boolean pinged = false;
            while (true) {
                LiveSocket.Event event = socket.next(settings.quiet());
                if (event == null) {
                    if (pinged) {
                        // Not even a pong: the connection died without telling (a NAT or proxy dropped it).
                        return new Outcome(null, subscribed, "no answer for " + 2 * settings.quiet().toSeconds() + " s");
                    }
                    socket.ping();
                    pinged = true;
                    // Meanwhile, what the socket would have said: the status, and any line it did not bring.
                    ApiModel.BuildView view = api.build(buildId);
                    statuses(view);
                    replay.replay(listener::line);
                    if (view.isFinal()) {
                        return new Outcome(done(view), subscribed, null);
                    }
                    continue;
                }
                pinged = false;
                switch (event) {
                    case LiveSocket.Event.Closed closed -> {
                        return new Outcome(null, subscribed, closed.why());
                    }
                    case LiveSocket.Event.Pong pong -> {
                        // alive
                    }
                    case LiveSocket.Event.Message m -> {
                        switch (m.message()) {
                            case LiveMessage.Log log when buildId.equals(log.buildId()) -> log.lines().stream()
                                    .filter(replay::firstTime).forEach(listener::line);
                            case LiveMessage.Status status when buildId.equals(status.buildId()) -> {
                                subscribed = true;
                                status(status);
                            }
                            case LiveMessage.Done done when buildId.equals(done.buildId()) -> {
                                status(new LiveMessage.Status(buildId, done.status(), null, null, null));
                                return new Outcome(done, true, null);
                            }
                            case LiveMessage.Error error -> {
                                if (error.error().equals("not_connected")) {
                                    return new Outcome(null, subscribed, error.message());
                                }
                                throw new ApiException(error.error().equals("not_found") ? 404 : 0, error.error(),
                                        "the live API refused to follow " + buildId + ": " + error.message(), null);
                            }
                            default -> {
                                // another build's message (a shared connection): not ours
                            }
                        }
                    }
                }
            }
        }

        private LiveMessage.Done poll() throws InterruptedException {
            while (true) {
                replay.replay(listener::line);
                ApiModel.BuildView view = api.build(buildId);
                statuses(view);
                if (view.isFinal()) {
                    replay.replay(listener::line);
                    return done(view);
                }
                Thread.sleep(settings.pollInterval());
            }
        }

        /** The statuses a read of the build shows, as the live API would have pushed them. */
        private void statuses(ApiModel.BuildView view) {
            for (ApiModel.TaskView task : view.tasks()) {
                status(new LiveMessage.Status(buildId, task.status(), task.taskId(), task.arch(), task.imageDigest()));
            }
            if (!view.isFinal()) {
                status(new LiveMessage.Status(buildId, view.status(), null, null, null));
            }
        }

        /** Passes on a status once: repeats (a subscription's answer, a poll) are dropped. */
        private void status(LiveMessage.Status status) {
            String key = status.taskId() == null ? "" : status.taskId();
            String value = status.status() + "|" + status.imageDigest();
            if (!value.equals(statuses.put(key, value))) {
                listener.status(status);
            }
        }

        private LiveMessage.Done done(ApiModel.BuildView view) {
            status(new LiveMessage.Status(buildId, view.status(), null, null, null));
            return new LiveMessage.Done(buildId, view.status(), view.indexDigest(), view.tasks().stream()
                    .map(t -> new LiveMessage.DoneTask(t.taskId(), t.arch(), t.imageDigest(), t.status(), null)).toList());
        }

        private void pause(int failures) throws InterruptedException {
            Thread.sleep(settings.backoff().pause(failures));
        }
    }
}
