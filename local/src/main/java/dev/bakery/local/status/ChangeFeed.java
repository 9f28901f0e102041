package dev.bakery.local.status;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import dev.bakery.emulators.DynamoDbFront.ItemChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lambda's DynamoDB stream event source mapping, locally, without a Streams API: the store's front
 * reports each item change ({@link #accept}), and one thread hands them, in order and in batches
 * of what has piled up, to the status notifier handler as a stream event. A batch the handler
 * fails on is logged and passed (Lambda would retry it; subscribers then catch up from the build's
 * own state, as the WebSocket subscribe answer gives it).
 */
public final class ChangeFeed implements Consumer<ItemChange>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
    private static final int MAX_BATCH = 100;

    private final LinkedBlockingQueue<ItemChange> pending = new LinkedBlockingQueue<>();
    private final String streamArn;
    private final String region;
    private final Set<String> keyAttributes;
    private volatile RequestHandler<DynamodbEvent, ?> handler;
    private final Thread thread;
    private long sequence = 1;

    public ChangeFeed(String streamArn, String region, Set<String> keyAttributes) {
        this.streamArn = streamArn;
        this.region = region;
        this.keyAttributes = Set.copyOf(keyAttributes);
        this.thread = Thread.ofPlatform().name("bakery-changes").daemon().start(this::run);
    }

    /** Where changes go from now on; earlier ones (before there was a handler) are dropped, as no one followed them. */
    public void deliverTo(RequestHandler<DynamodbEvent, ?> handler) {
        this.handler = handler;
    }

    @Override
    public void accept(ItemChange change) {
        if (handler != null) {
            pending.add(change);
        }
    }

    private void run() {
        while (true) {
            List<ItemChange> batch = new ArrayList<>();
            try {
                batch.add(pending.take());
            } catch (InterruptedException e) {
                return;
            }
            pending.drainTo(batch, MAX_BATCH - 1);
            try {
                handler.handleRequest(StreamEvents.event(batch, streamArn, region, keyAttributes, sequence), null);
            } catch (RuntimeException e) {
                LOG.warn("the status notifier failed on {} item changes: {}", batch.size(), e.toString());
            }
            sequence += batch.size();
        }
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
