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
                tasks.add(taskRecord(buildId, item));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return tasks;
    }

    /** Marks a task RUNNING when its agent starts; a second start (a retried agent) changes nothing. */
    public void startTask(String buildId, String taskId, Instant at) {
        try {
            dynamo.updateItem(r -> r.tableName(table)
                    .key(BakeryTable.key(BakeryTable.buildKey(buildId), BakeryTable.taskKey(taskId)))
                    .updateExpression("SET #status = :running, startedAt = :at")
                    .conditionExpression("#status = :pending")
                    .expressionAttributeNames(Map.of("#status", STATUS))
                    .expressionAttributeValues(Map.of(":running", AttributeValue.fromS(TaskStatus.RUNNING.name()),
                            ":pending", AttributeValue.fromS(TaskStatus.PENDING.name()),
                            ":at", AttributeValue.fromS(at.toString()))));
        } catch (ConditionalCheckFailedException e) {
            TaskRecord task = task(buildId, taskId).orElseThrow(() -> new ResultConflictException(
                    "build " + buildId + " has no task " + taskId));
            if (task.status() != TaskStatus.RUNNING) {
                throw new ResultConflictException("task " + taskId + " of build " + buildId + " is already " + task.status());
            }
        }
    }

    /**
     * Records how a task ended. Only a RUNNING task takes a result, so a cancelled task stays
     * cancelled; the same result reported twice (a retried write) is accepted once, a different one
     * is a conflict.
     *
     * @return true when written now, false when this very result was already there
     */
    public boolean recordResult(String buildId, String taskId, TaskResult result) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":status", AttributeValue.fromS(result.status().name()));
        values.put(":running", AttributeValue.fromS(TaskStatus.RUNNING.name()));
        values.put(":finished", AttributeValue.fromS(result.finishedAt().toString()));
        values.put(":started", AttributeValue.fromS(result.startedAt().toString()));
        values.put(":exit", AttributeValue.fromN(Integer.toString(result.exitCode())));
        values.put(":interrupted", AttributeValue.fromBool(result.interrupted()));
        StringBuilder update = new StringBuilder("SET #status = :status, finishedAt = :finished, startedAt = :started,"
                + " exitCode = :exit, interrupted = :interrupted");
        if (result.imageDigest() != null) {
            update.append(", imageDigest = :digest");
            values.put(":digest", AttributeValue.fromS(result.imageDigest()));
        }
        if (!result.pushed().isEmpty()) {
            update.append(", pushed = :pushed");
            values.put(":pushed", AttributeValue.fromL(result.pushed().stream().map(AttributeValue::fromS).toList()));
        }
        Map<String, String> names = new HashMap<>(Map.of("#status", STATUS));
        if (result.error() != null) {
            update.append(", #error = :error");
            values.put(":error", AttributeValue.fromS(result.error()));
            names.put("#error", "error");
        }
        try {
            dynamo.updateItem(r -> r.tableName(table)
                    .key(BakeryTable.key(BakeryTable.buildKey(buildId), BakeryTable.taskKey(taskId)))
                    .updateExpression(update.toString())
                    .conditionExpression("#status = :running")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            TaskRecord task = task(buildId, taskId).orElseThrow(() -> new ResultConflictException(
                    "build " + buildId + " has no task " + taskId));
            if (task.status() == result.status() && java.util.Objects.equals(task.imageDigest(), result.imageDigest())) {
                return false;
            }
            throw new ResultConflictException("task " + taskId + " of build " + buildId + " is " + task.status()
                    + (task.imageDigest() == null ? "" : " with image " + task.imageDigest())
                    + "; not recording " + result.status()
                    + (result.imageDigest() == null ? "" : " with image " + result.imageDigest()));
        }
    }

    public Optional<TaskRecord> task(String buildId, String taskId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(BakeryTable.key(BakeryTable.buildKey(buildId), BakeryTable.taskKey(taskId)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(taskRecord(buildId, item));
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

    private static TaskRecord taskRecord(String buildId, Map<String, AttributeValue> item) {
        return new TaskRecord(buildId, item.get(BakeryTable.SK).s().substring(BakeryTable.taskKey("").length()),
                text(item, "arch"), TaskStatus.valueOf(item.get(STATUS).s()), text(item, "imageDigest"), text(item, "error"));
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }
}
