package dev.bakery.local.status;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Lambda's DynamoDB event source mapping, locally: polls the table's stream and hands each batch of
 * records, in order, to the status notifier handler. Starts at the end of the shards that exist
 * (history was notified by the run that wrote it) and at the start of shards that appear later.
 * A batch the handler fails on is logged and passed (Lambda would retry it; subscribers then
 * catch up from the build's own state, as the WebSocket subscribe answer gives it).
 */
public final class StreamPoller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamPoller.class);
    private static final Duration IDLE_WAIT = Duration.ofMillis(100);
    private static final Duration SHARD_REFRESH = Duration.ofSeconds(2);

    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final RequestHandler<DynamodbEvent, ?> handler;
    /** Open shards and where to read them next. */
    private final Map<String, String> iterators = new LinkedHashMap<>();
    private final Set<String> known = new java.util.HashSet<>();
    private final Thread thread;
    private volatile boolean running = true;

    private StreamPoller(DynamoDbStreamsClient streams, String streamArn, RequestHandler<DynamodbEvent, ?> handler) {
        this.streams = streams;
        this.streamArn = streamArn;
        this.handler = handler;
        refreshShards(ShardIteratorType.LATEST);
        this.thread = Thread.ofPlatform().name("bakery-stream").daemon().start(this::run);
    }

    /** Starts following the stream of {@code table}; records written from now on are delivered. */
    public static StreamPoller start(DynamoDbClient dynamo, DynamoDbStreamsClient streams, String table,
            RequestHandler<DynamodbEvent, ?> handler) {
        String arn = dynamo.describeTable(r -> r.tableName(table)).table().latestStreamArn();
        if (arn == null) {
            throw new IllegalStateException("table " + table + " has no stream");
        }
        return new StreamPoller(streams, arn, handler);
    }

    private void run() {
        long nextRefresh = System.nanoTime() + SHARD_REFRESH.toNanos();
        while (running) {
            try {
                boolean delivered = pollOnce();
                if (System.nanoTime() > nextRefresh) {
                    refreshShards(ShardIteratorType.TRIM_HORIZON);
                    nextRefresh = System.nanoTime() + SHARD_REFRESH.toNanos();
                }
                if (!delivered) {
                    Thread.sleep(IDLE_WAIT);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warn("reading the table's stream failed: {}", e.toString());
                    sleepQuietly();
                }
            }
        }
    }

    /** Reads every open shard once; true when some records were delivered. */
    private boolean pollOnce() {
        boolean delivered = false;
        for (Map.Entry<String, String> shard : List.copyOf(iterators.entrySet())) {
            GetRecordsResponse page = streams.getRecords(r -> r.shardIterator(shard.getValue()).limit(1000));
            List<Record> records = page.records();
            if (!records.isEmpty()) {
                deliver(records);
                delivered = true;
            }
            if (page.nextShardIterator() == null) {
                iterators.remove(shard.getKey()); // the shard is closed and read to its end
            } else {
                iterators.put(shard.getKey(), page.nextShardIterator());
            }
        }
        return delivered;
    }

    private void deliver(List<Record> records) {
        try {
            handler.handleRequest(StreamEvents.event(records, streamArn), null);
        } catch (RuntimeException e) {
            LOG.warn("the status notifier failed on {} stream records: {}", records.size(), e.toString());
        }
    }

    private void refreshShards(ShardIteratorType startOfNewShards) {
        for (Shard shard : streams.describeStream(r -> r.streamArn(streamArn)).streamDescription().shards()) {
            if (known.add(shard.shardId())) {
                boolean closed = shard.sequenceNumberRange().endingSequenceNumber() != null;
                if (closed && startOfNewShards == ShardIteratorType.LATEST) {
                    continue; // an old, finished shard: nothing new can come from it
                }
                String iterator = streams.getShardIterator(r -> r.streamArn(streamArn).shardId(shard.shardId())
                        .shardIteratorType(startOfNewShards)).shardIterator();
                iterators.put(shard.shardId(), iterator);
            }
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(IDLE_WAIT.multipliedBy(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
