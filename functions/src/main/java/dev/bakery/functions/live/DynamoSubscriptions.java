package dev.bakery.functions.live;

import dev.bakery.store.BakeryTable;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * {@link Subscriptions} in the single table.
 * <ul>
 * <li>connection {@code CONN#<id>}/{@code META}: {@code principal}, {@code connectedAt} (ISO-8601),
 * {@code expiresAt} (epoch seconds, connect time + {@link #TTL}) and {@code builds}, a string set
 * of the builds it follows, so a disconnect finds its subscriptions without a scan;</li>
 * <li>subscription {@code BUILD#<buildId>}/{@code SUB#<connectionId>}: {@code connectionId},
 * {@code subscribedAt}, {@code expiresAt} (subscribe time + {@link #TTL}).</li>
 * </ul>
 * Every operation is idempotent. A subscription is written before the connection's set, which is
 * updated on the condition that the connection exists (see {@link #subscribe}); a disconnect deletes the connection item first
 * and takes the set from the deleted item, so a subscribe racing a disconnect either lands in that
 * set or fails. Items whose {@code expiresAt} has passed count as absent (DynamoDB deletes them
 * lazily, up to days later).
 */
public final class DynamoSubscriptions implements Subscriptions {

    static final String PRINCIPAL = "principal";
    static final String CONNECTED_AT = "connectedAt";
    static final String BUILDS = "builds";
    static final String CONNECTION_ID = "connectionId";
    static final String SUBSCRIBED_AT = "subscribedAt";
    private static final String SUB = "SUB#";
    /** BatchWriteItem takes at most 25 requests. */
    private static final int BATCH = 25;
    private static final int MAX_BATCH_ATTEMPTS = 8;

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;
    private final int pageSize;

    public DynamoSubscriptions(DynamoDbClient dynamo, String table, Clock clock) {
        this(dynamo, table, clock, 0);
    }

    /** @param pageSize the Query limit of {@link #subscribers} (0: DynamoDB's 1 MB pages), small in tests */
    DynamoSubscriptions(DynamoDbClient dynamo, String table, Clock clock, int pageSize) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
        this.pageSize = pageSize;
    }

    static String connectionKey(String connectionId) {
        return "CONN#" + connectionId;
    }

    static String subscriptionKey(String connectionId) {
        return SUB + connectionId;
    }

    /** Records the connection; a repeated connect refreshes it and keeps its subscriptions. */
    @Override
    public void connect(String connectionId, String principal, Instant at) {
        dynamo.updateItem(r -> r.tableName(table).key(key(connectionKey(connectionId), BakeryTable.META))
                .updateExpression("SET #principal = :principal, #connectedAt = :at, #expiresAt = :expires")
                .expressionAttributeNames(Map.of("#principal", PRINCIPAL, "#connectedAt", CONNECTED_AT,
                        "#expiresAt", BakeryTable.EXPIRES_AT))
                .expressionAttributeValues(Map.of(":principal", AttributeValue.fromS(principal),
                        ":at", AttributeValue.fromS(at.toString()), ":expires", expiry(at))));
    }

    @Override
    public void disconnect(String connectionId) {
        Map<String, AttributeValue> old = dynamo.deleteItem(r -> r.tableName(table)
                .key(key(connectionKey(connectionId), BakeryTable.META)).returnValues(ReturnValue.ALL_OLD)).attributes();
        if (old == null || !old.containsKey(BUILDS)) {
            return;
        }
        List<WriteRequest> deletes = old.get(BUILDS).ss().stream()
                .map(buildId -> WriteRequest.builder().deleteRequest(DeleteRequest.builder()
                        .key(key(BakeryTable.buildKey(buildId), subscriptionKey(connectionId))).build()).build())
                .toList();
        for (int i = 0; i < deletes.size(); i += BATCH) {
            write(deletes.subList(i, Math.min(deletes.size(), i + BATCH)));
        }
    }

    /** One BatchWriteItem, resending what DynamoDB leaves unprocessed (throttling) with a growing pause. */
    private void write(List<WriteRequest> requests) {
        Map<String, List<WriteRequest>> pending = Map.of(table, requests);
        for (int attempt = 1; ; attempt++) {
            Map<String, List<WriteRequest>> batch = pending;
            BatchWriteItemResponse response = dynamo.batchWriteItem(r -> r.requestItems(batch));
            if (!response.hasUnprocessedItems() || response.unprocessedItems().isEmpty()) {
                return;
            }
            if (attempt == MAX_BATCH_ATTEMPTS) {
                // Left to the TTL: the items expire with the connection anyway.
                throw new IllegalStateException("DynamoDB left " + response.unprocessedItems().get(table).size()
                        + " subscription deletes unprocessed after " + attempt + " attempts");
            }
            pending = response.unprocessedItems();
            try {
                Thread.sleep(Math.min(1000L, 25L << attempt));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while deleting subscriptions", e);
            }
        }
    }

    @Override
    public Optional<String> principal(String connectionId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(key(connectionKey(connectionId), BakeryTable.META))).item();
        if (item == null || item.isEmpty() || expired(item)) {
            return Optional.empty();
        }
        AttributeValue principal = item.get(PRINCIPAL);
        return Optional.ofNullable(principal == null ? null : principal.s());
    }

    /** @throws UnknownConnectionException when the connection is not recorded (never connected, or disconnected) */
    @Override
    public void subscribe(String buildId, String connectionId, Instant at) {
        Map<String, AttributeValue> subscription = new HashMap<>(key(BakeryTable.buildKey(buildId), subscriptionKey(connectionId)));
        subscription.put(CONNECTION_ID, AttributeValue.fromS(connectionId));
        subscription.put(SUBSCRIBED_AT, AttributeValue.fromS(at.toString()));
        subscription.put(BakeryTable.EXPIRES_AT, expiry(at));
        // No transaction (dynalite has none): the subscription first, then the connection's set on the
        // condition that the connection exists. A disconnect racing this either deleted the connection
        // before the set was updated (the condition fails and the subscription is taken back here) or
        // after (the set names the build and the disconnect deletes the subscription).
        dynamo.putItem(r -> r.tableName(table).item(subscription));
        if (!updateFollowed(connectionId, "ADD", buildId)) {
            dynamo.deleteItem(r -> r.tableName(table).key(key(BakeryTable.buildKey(buildId), subscriptionKey(connectionId))));
            throw new UnknownConnectionException(connectionId);
        }
    }

    /**
     * Adds the build to, or deletes it from ({@code action}), the connection's set of followed builds.
     *
     * @return false when there is no connection item (none is created)
     */
    private boolean updateFollowed(String connectionId, String action, String buildId) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(connectionKey(connectionId), BakeryTable.META))
                    .updateExpression(action + " #builds :build")
                    .conditionExpression("attribute_exists(#pk)")
                    .expressionAttributeNames(Map.of("#builds", BUILDS, "#pk", BakeryTable.PK))
                    .expressionAttributeValues(Map.of(":build", AttributeValue.fromSs(List.of(buildId)))));
            return true;
        } catch (ConditionalCheckFailedException gone) {
            return false;
        }
    }

    @Override
    public void unsubscribe(String buildId, String connectionId) {
        // The subscription first: if the second write never happens, the set names a build with no
        // subscription item, which a disconnect deletes harmlessly; the other order could leave an
        // item nobody removes before its TTL.
        dynamo.deleteItem(r -> r.tableName(table).key(key(BakeryTable.buildKey(buildId), subscriptionKey(connectionId))));
        // false when disconnected: nothing to update
        updateFollowed(connectionId, "DELETE", buildId);
    }

    /** The unexpired subscriptions of the build, every page. */
    @Override
    public List<String> subscribers(String buildId) {
        List<String> connections = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        AttributeValue now = AttributeValue.fromN(Long.toString(clock.instant().getEpochSecond()));
        do {
            QueryRequest.Builder query = QueryRequest.builder().tableName(table)
                    .keyConditionExpression("#pk = :pk AND begins_with(#sk, :sub)")
                    .filterExpression("attribute_not_exists(#expiresAt) OR #expiresAt > :now")
                    .projectionExpression("#sk")
                    .expressionAttributeNames(Map.of("#pk", BakeryTable.PK, "#sk", BakeryTable.SK,
                            "#expiresAt", BakeryTable.EXPIRES_AT))
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(BakeryTable.buildKey(buildId)),
                            ":sub", AttributeValue.fromS(SUB), ":now", now));
            if (start != null) {
                query.exclusiveStartKey(start);
            }
            if (pageSize > 0) {
                query.limit(pageSize);
            }
            QueryResponse page = dynamo.query(query.build());
            page.items().forEach(item -> connections.add(item.get(BakeryTable.SK).s().substring(SUB.length())));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return connections;
    }

    private boolean expired(Map<String, AttributeValue> item) {
        AttributeValue expiresAt = item.get(BakeryTable.EXPIRES_AT);
        return expiresAt != null && Long.parseLong(expiresAt.n()) <= clock.instant().getEpochSecond();
    }

    private static AttributeValue expiry(Instant at) {
        return AttributeValue.fromN(Long.toString(at.plus(TTL).getEpochSecond()));
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(BakeryTable.PK, AttributeValue.fromS(pk), BakeryTable.SK, AttributeValue.fromS(sk));
    }
}
