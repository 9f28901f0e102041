package dev.bakery.functions.store;

import dev.bakery.core.PlanJson;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Builds and their tasks in the single table. The plan is stored as its JSON (secret-free by
 * construction) and read back through {@link PlanJson}, so a stored plan is re-validated on read.
 */
public final class BuildStore {

    private static final String STATUS = "status";
    private static final String PLAN = "plan";
    private static final String INDEX_DIGEST = "indexDigest";
    private static final String UPDATED_AT = "updatedAt";

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public BuildStore(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    /** Writes the build and all its tasks at once, or nothing; fails if the build id exists. */
    public void create(BuildRecord build, List<TaskRecord> tasks) {
        List<TransactWriteItem> writes = new ArrayList<>();
        Map<String, AttributeValue> item = new HashMap<>(BakeryTable.key(BakeryTable.buildKey(build.id()), BakeryTable.META));
        item.put(STATUS, AttributeValue.fromS(build.status().name()));
        item.put(PLAN, AttributeValue.fromS(PlanJson.write(build.plan())));
        item.put("service", AttributeValue.fromS(build.plan().service()));
        item.put("contextKey", AttributeValue.fromS(build.contextKey()));
        item.put("requester", AttributeValue.fromS(build.requester()));
        item.put("createdAt", AttributeValue.fromS(build.createdAt().toString()));
        item.put(UPDATED_AT, AttributeValue.fromS(build.createdAt().toString()));
        item.put(BakeryTable.GSI1_PK, AttributeValue.fromS("BUILDS"));
        item.put(BakeryTable.GSI1_SK, AttributeValue.fromS(build.createdAt() + "#" + build.id()));
        writes.add(put(item, "attribute_not_exists(" + BakeryTable.PK + ")"));
        for (TaskRecord task : tasks) {
            Map<String, AttributeValue> t = new HashMap<>(BakeryTable.key(BakeryTable.buildKey(build.id()),
                    BakeryTable.taskKey(task.taskId())));
            t.put("arch", AttributeValue.fromS(task.arch()));
            t.put(STATUS, AttributeValue.fromS(task.status().name()));
            writes.add(put(t, null));
        }
        dynamo.transactWriteItems(r -> r.transactItems(writes));
    }

    public Optional<BuildRecord> build(String buildId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(BakeryTable.key(BakeryTable.buildKey(buildId), BakeryTable.META))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new BuildRecord(buildId, BuildStatus.valueOf(item.get(STATUS).s()),
                PlanJson.read("build " + buildId, item.get(PLAN).s()), text(item, "contextKey"), text(item, "requester"),
                Instant.parse(item.get("createdAt").s()), text(item, INDEX_DIGEST)));
    }

    /** The build's task items, in task id order. */
    public List<TaskRecord> tasks(String buildId) {
        List<TaskRecord> tasks = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.query(QueryRequest.builder().tableName(table).consistentRead(true)
                    .keyConditionExpression("#pk = :pk AND begins_with(#sk, :task)")
                    .expressionAttributeNames(Map.of("#pk", BakeryTable.PK, "#sk", BakeryTable.SK))
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(BakeryTable.buildKey(buildId)),
                            ":task", AttributeValue.fromS(BakeryTable.taskKey(""))))
                    .exclusiveStartKey(from).build());
            for (Map<String, AttributeValue> item : page.items()) {
                tasks.add(new TaskRecord(buildId, item.get(BakeryTable.SK).s().substring(BakeryTable.taskKey("").length()),
                        text(item, "arch"), TaskStatus.valueOf(item.get(STATUS).s()), text(item, "imageDigest"),
                        text(item, "error")));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return tasks;
    }

    /**
     * Records how a task ended. Conditional: a task already in a final state keeps it (a retried
     * report or a late one after a cancel changes nothing), and the call says whether it applied.
     */
    public boolean finishTask(String buildId, String taskId, TaskStatus status, String imageDigest, String error) {
        if (!status.isFinal()) {
            throw new IllegalArgumentException("not a final task status: " + status);
        }
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":status", AttributeValue.fromS(status.name()));
        values.put(":now", AttributeValue.fromS(clock.instant().toString()));
        values.put(":succeeded", AttributeValue.fromS(TaskStatus.SUCCEEDED.name()));
        values.put(":failed", AttributeValue.fromS(TaskStatus.FAILED.name()));
        values.put(":cancelled", AttributeValue.fromS(TaskStatus.CANCELLED.name()));
        StringBuilder update = new StringBuilder("SET #status = :status, finishedAt = :now");
        if (imageDigest != null) {
            update.append(", imageDigest = :digest");
            values.put(":digest", AttributeValue.fromS(imageDigest));
        }
        if (error != null) {
            update.append(", #error = :error");
            values.put(":error", AttributeValue.fromS(error));
        }
        Map<String, String> names = new HashMap<>(Map.of("#status", STATUS));
        if (error != null) {
            names.put("#error", "error");
        }
        try {
            dynamo.updateItem(r -> r.tableName(table)
                    .key(BakeryTable.key(BakeryTable.buildKey(buildId), BakeryTable.taskKey(taskId)))
                    .updateExpression(update.toString())
                    .conditionExpression("attribute_exists(" + BakeryTable.PK + ") AND NOT #status IN (:succeeded, :failed, :cancelled)")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** Records the published index on the build item; re-running with the same digest is harmless. */
    public void recordIndexDigest(String buildId, String digest) {
        dynamo.updateItem(r -> r.tableName(table)
                .key(BakeryTable.key(BakeryTable.buildKey(buildId), BakeryTable.META))
                .updateExpression("SET " + INDEX_DIGEST + " = :digest, " + UPDATED_AT + " = :now")
                .conditionExpression("attribute_exists(" + BakeryTable.PK + ")")
                .expressionAttributeValues(Map.of(":digest", AttributeValue.fromS(digest),
                        ":now", AttributeValue.fromS(clock.instant().toString()))));
    }

    private TransactWriteItem put(Map<String, AttributeValue> item, String condition) {
        Put.Builder put = Put.builder().tableName(table).item(item);
        if (condition != null) {
            put.conditionExpression(condition);
        }
        return TransactWriteItem.builder().put(put.build()).build();
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }
}
