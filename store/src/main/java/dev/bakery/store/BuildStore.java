package dev.bakery.store;

import dev.bakery.core.status.BuildStatus;
import dev.bakery.core.status.TaskStatus;
import dev.bakery.core.status.TaskResult;

import dev.bakery.core.PlanJson;
import dev.bakery.core.Principals;
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
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Builds and their tasks in the single table. The plan is stored as its JSON (secret-free by
 * construction) and read back through {@link PlanJson}, so a stored plan is re-validated on read.
 */
public final class BuildStore {

    private static final String STATUS = "status";
    private static final String PLAN = "plan";
    private static final String INDEX_DIGEST = "indexDigest";
    private static final String UPDATED_AT = "updatedAt";
    private static final String SECRET_ARN = "secretArn";
    private static final String EXECUTION_ARN = "executionArn";
    private static final String RUNNER = "runner";
    private static final String RECENT_BUILDS = "BUILDS";
    /** The requester's {@link Principals#owner}: what a listing of one owner's builds filters on. */
    private static final String OWNER = "owner";
    /**
     * A filtered listing reads the index in chunks of at least this many builds, and stops after
     * {@link #MAX_EVALUATED} with a shorter page (and a next token), so one request stays bounded.
     */
    private static final int FILTERED_CHUNK = 100;
    private static final int MAX_EVALUATED = 1000;

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public BuildStore(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    /**
     * Writes the build, its tasks and (when given) the caller's idempotency key, without a transaction
     * (dynalite has none; docs/architecture.md, section Data): the task items first, then the build
     * item, which is what makes the build visible, so a reader never finds a build without its tasks;
     * then the key, each write conditional on its item being new. When the key is taken already, the
     * build just written is deleted again (nothing has started it) and
     * {@link IdempotencyKeyTakenException} says so.
     *
     * @param expiresAt when DynamoDB's TTL may delete the build's items
     */
    public void create(BuildRecord build, List<TaskRecord> tasks, IdempotencyRecord idempotency, Instant expiresAt) {
        AttributeValue expires = AttributeValue.fromN(Long.toString(expiresAt.getEpochSecond()));
        for (TaskRecord task : tasks) {
            Map<String, AttributeValue> t = new HashMap<>(BakeryTable.key(BakeryTable.buildKey(build.id()),
                    BakeryTable.taskKey(task.taskId())));
            t.put("arch", AttributeValue.fromS(task.arch()));
            t.put(STATUS, AttributeValue.fromS(task.status().name()));
            t.put(BakeryTable.EXPIRES_AT, expires);
            putNew(t);
        }
        Map<String, AttributeValue> item = new HashMap<>(BakeryTable.key(BakeryTable.buildKey(build.id()), BakeryTable.META));
        item.put(STATUS, AttributeValue.fromS(build.status().name()));
        item.put(PLAN, AttributeValue.fromS(PlanJson.write(build.plan())));
        item.put("service", AttributeValue.fromS(build.plan().service()));
        item.put("contextKey", AttributeValue.fromS(build.contextKey()));
        item.put("requester", AttributeValue.fromS(build.requester()));
        item.put(OWNER, AttributeValue.fromS(Principals.owner(build.requester())));
        item.put("createdAt", AttributeValue.fromS(build.createdAt().toString()));
        item.put(UPDATED_AT, AttributeValue.fromS(build.updatedAt().toString()));
        if (!build.labels().isEmpty()) {
            Map<String, AttributeValue> labels = new HashMap<>();
            build.labels().forEach((k, v) -> labels.put(k, AttributeValue.fromS(v)));
            item.put("labels", AttributeValue.fromM(labels));
        }
        if (build.secretArn() != null) {
            item.put(SECRET_ARN, AttributeValue.fromS(build.secretArn()));
        }
        item.put(BakeryTable.GSI1_PK, AttributeValue.fromS(RECENT_BUILDS));
        item.put(BakeryTable.GSI1_SK, AttributeValue.fromS(build.createdAt() + "#" + build.id()));
        item.put(BakeryTable.EXPIRES_AT, expires);
        putNew(item);
        if (idempotency == null) {
            return;
        }
        Map<String, AttributeValue> key = new HashMap<>(BakeryTable.key(idempotencyKey(idempotency.principal(),
                idempotency.key()), BakeryTable.META));
        key.put("requestHash", AttributeValue.fromS(idempotency.requestHash()));
        key.put("buildId", AttributeValue.fromS(idempotency.buildId()));
        key.put(BakeryTable.EXPIRES_AT, expires);
        try {
            putNew(key);
        } catch (ConditionalCheckFailedException taken) {
            delete(BakeryTable.buildKey(build.id()), BakeryTable.META);
            for (TaskRecord task : tasks) {
                delete(BakeryTable.buildKey(build.id()), BakeryTable.taskKey(task.taskId()));
            }
            throw new IdempotencyKeyTakenException(idempotency.principal(), idempotency.key());
        }
    }

    /** Puts an item that must not exist yet. */
    private void putNew(Map<String, AttributeValue> item) {
        dynamo.putItem(r -> r.tableName(table).item(item).conditionExpression("attribute_not_exists(" + BakeryTable.PK + ")"));
    }

    private void delete(String pk, String sk) {
        dynamo.deleteItem(r -> r.tableName(table).key(BakeryTable.key(pk, sk)));
    }

    public Optional<IdempotencyRecord> idempotency(String principal, String key) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(BakeryTable.key(idempotencyKey(principal, key), BakeryTable.META))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new IdempotencyRecord(principal, key, item.get("requestHash").s(), item.get("buildId").s()));
    }

    private static String idempotencyKey(String principal, String key) {
        return "IDEMP#" + principal + "#" + key;
    }

    public Optional<BuildRecord> build(String buildId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(BakeryTable.key(BakeryTable.buildKey(buildId), BakeryTable.META))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(buildRecord(item));
    }

    private static BuildRecord buildRecord(Map<String, AttributeValue> item) {
        String buildId = item.get(BakeryTable.PK).s().substring(BakeryTable.buildKey("").length());
        Map<String, String> labels = new HashMap<>();
        if (item.containsKey("labels")) {
            item.get("labels").m().forEach((k, v) -> labels.put(k, v.s()));
        }
        return new BuildRecord(buildId, BuildStatus.valueOf(item.get(STATUS).s()),
                PlanJson.read("build " + buildId, item.get(PLAN).s()), text(item, "contextKey"), text(item, "requester"),
                labels, Instant.parse(item.get("createdAt").s()), Instant.parse(item.get(UPDATED_AT).s()),
                text(item, SECRET_ARN), text(item, EXECUTION_ARN), text(item, INDEX_DIGEST), text(item, "error"));
    }

    /** Recent builds, newest first, optionally only those in one status. */
    public BuildPage list(int limit, BuildStatus status, String next) {
        return list(limit, status, null, next);
    }

    /**
     * Recent builds, newest first, optionally only those in one status and only those of one owner.
     * A filtered page is filled from as many index reads as it takes, up to {@value #MAX_EVALUATED}
     * builds read: a page holds {@code limit} builds unless the listing ends (no next token) or
     * that bound is reached (a shorter page, possibly empty, with a next token to continue).
     *
     * @param owner a {@link Principals#owner}, or null for every owner's builds
     */
    public BuildPage list(int limit, BuildStatus status, String owner, String next) {
        Map<String, String> names = new HashMap<>(Map.of("#gpk", BakeryTable.GSI1_PK));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":builds", AttributeValue.fromS(RECENT_BUILDS)));
        List<String> filters = new ArrayList<>();
        if (status != null) {
            filters.add("#status = :status");
            names.put("#status", STATUS);
            values.put(":status", AttributeValue.fromS(status.name()));
        }
        if (owner != null) {
            filters.add("#owner = :owner");
            names.put("#owner", OWNER);
            values.put(":owner", AttributeValue.fromS(owner));
        }
        Map<String, AttributeValue> cursor = next == null ? null : PageTokens.decode(next, RECENT_BUILDS);
        List<BuildRecord> builds = new ArrayList<>();
        Map<String, AttributeValue> last = null;
        int evaluated = 0;
        while (true) {
            QueryRequest.Builder query = QueryRequest.builder().tableName(table).indexName(BakeryTable.GSI1)
                    .keyConditionExpression("#gpk = :builds").scanIndexForward(false)
                    .limit(filters.isEmpty() ? limit : Math.max(limit, FILTERED_CHUNK))
                    .expressionAttributeNames(names).expressionAttributeValues(values).exclusiveStartKey(cursor);
            if (!filters.isEmpty()) {
                query.filterExpression(String.join(" AND ", filters));
            }
            QueryResponse page = dynamo.query(query.build());
            evaluated += page.scannedCount();
            for (Map<String, AttributeValue> item : page.items()) {
                if (builds.size() == limit) {
                    // A full page before this chunk's end: continue right after its last build.
                    return new BuildPage(builds, PageTokens.encode(pageKey(last)));
                }
                builds.add(buildRecord(item));
                last = item;
            }
            cursor = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            if (cursor == null || builds.size() == limit || evaluated >= MAX_EVALUATED) {
                return new BuildPage(builds, cursor == null ? null : PageTokens.encode(cursor));
            }
        }
    }

    /** A build item's index key, as DynamoDB's LastEvaluatedKey names it. */
    private static Map<String, AttributeValue> pageKey(Map<String, AttributeValue> item) {
        Map<String, AttributeValue> key = new HashMap<>();
        for (String name : List.of(BakeryTable.PK, BakeryTable.SK, BakeryTable.GSI1_PK, BakeryTable.GSI1_SK)) {
            key.put(name, item.get(name));
        }
        return key;
    }

    /** Records the execution started for the build (QUEUED becomes RUNNING when the state machine says so). */
    public void recordExecution(String buildId, String executionArn) {
        setOnBuild(buildId, EXECUTION_ARN, executionArn);
    }

    /** Sets one attribute of an existing build item (and its updatedAt). */
    private void setOnBuild(String buildId, String attribute, String value) {
        dynamo.updateItem(r -> r.tableName(table)
                .key(BakeryTable.key(BakeryTable.buildKey(buildId), BakeryTable.META))
                .updateExpression("SET " + attribute + " = :value, " + UPDATED_AT + " = :now")
                .conditionExpression("attribute_exists(" + BakeryTable.PK + ")")
                .expressionAttributeValues(Map.of(":value", AttributeValue.fromS(value),
                        ":now", AttributeValue.fromS(clock.instant().toString()))));
    }

    /**
     * Moves the build to {@code to} if it is in one of {@code from}; a final state is never left.
     *
     * @return whether it moved
     */
    public boolean transition(String buildId, java.util.Set<BuildStatus> from, BuildStatus to, String error) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":to", AttributeValue.fromS(to.name()));
        values.put(":now", AttributeValue.fromS(clock.instant().toString()));
        List<String> allowed = new ArrayList<>();
        int i = 0;
        for (BuildStatus status : from) {
            if (!status.isFinal()) {
                values.put(":from" + i, AttributeValue.fromS(status.name()));
                allowed.add(":from" + i++);
            }
        }
        if (allowed.isEmpty()) {
            return false;
        }
        String update = "SET #status = :to, " + UPDATED_AT + " = :now" + (error == null ? "" : ", #error = :error");
        Map<String, String> names = new HashMap<>(Map.of("#status", STATUS));
        if (error != null) {
            values.put(":error", AttributeValue.fromS(error));
            names.put("#error", "error");
        }
        try {
            dynamo.updateItem(r -> r.tableName(table)
                    .key(BakeryTable.key(BakeryTable.buildKey(buildId), BakeryTable.META))
                    .updateExpression(update)
                    .conditionExpression("#status IN (" + String.join(", ", allowed) + ")")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** Marks every task that has not finished CANCELLED, so a late agent result cannot revive it. */
    public void cancelTasks(String buildId) {
        for (TaskRecord task : tasks(buildId)) {
            if (task.status().isFinal()) {
                continue;
            }
            try {
                dynamo.updateItem(r -> r.tableName(table)
                        .key(BakeryTable.key(BakeryTable.buildKey(buildId), BakeryTable.taskKey(task.taskId())))
                        .updateExpression("SET #status = :cancelled, finishedAt = :now")
                        .conditionExpression("#status IN (:pending, :running)")
                        .expressionAttributeNames(Map.of("#status", STATUS))
                        .expressionAttributeValues(Map.of(":cancelled", AttributeValue.fromS(TaskStatus.CANCELLED.name()),
                                ":pending", AttributeValue.fromS(TaskStatus.PENDING.name()),
                                ":running", AttributeValue.fromS(TaskStatus.RUNNING.name()),
                                ":now", AttributeValue.fromS(clock.instant().toString()))));
            } catch (ConditionalCheckFailedException raced) {
                // it finished meanwhile: its own result stands
            }
        }
    }

    /** The build's task items, in task id order. */
    public List<TaskRecord> tasks(String buildId) {
        return timedTasks(buildId).stream().map(TimedTask::task).toList();
    }

    /**
     * A task item with when it ran, as its agent reported it.
     *
     * @param startedAt  null until the task started (a task cancelled while pending never has one)
     * @param finishedAt null until the task ended
     */
    public record TimedTask(TaskRecord task, Instant startedAt, Instant finishedAt) {
    }

    /** The build's tasks with their start and finish times, in task id order (paginated query). */
    public List<TimedTask> timedTasks(String buildId) {
        List<TimedTask> tasks = new ArrayList<>();
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
                tasks.add(new TimedTask(taskRecord(buildId, item), instant(item, "startedAt"), instant(item, "finishedAt")));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return tasks;
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        String value = text(item, name);
        return value == null ? null : Instant.parse(value);
    }

    /**
     * Marks a task RUNNING when its agent starts; a second start (a retried agent) changes nothing.
     *
     * @param runner where it runs ({@link TaskRecord#runner()}), or null when there is nothing to name
     */
    public void startTask(String buildId, String taskId, Instant at, String runner) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":running", AttributeValue.fromS(TaskStatus.RUNNING.name()),
                ":pending", AttributeValue.fromS(TaskStatus.PENDING.name()), ":at", AttributeValue.fromS(at.toString())));
        if (runner != null) {
            values.put(":runner", AttributeValue.fromS(runner));
        }
        try {
            dynamo.updateItem(r -> r.tableName(table)
                    .key(BakeryTable.key(BakeryTable.buildKey(buildId), BakeryTable.taskKey(taskId)))
                    .updateExpression("SET #status = :running, startedAt = :at" + (runner == null ? "" : ", " + RUNNER + " = :runner"))
                    .conditionExpression("#status = :pending")
                    .expressionAttributeNames(Map.of("#status", STATUS))
                    .expressionAttributeValues(values));
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
        setOnBuild(buildId, INDEX_DIGEST, digest);
    }

    private static TaskRecord taskRecord(String buildId, Map<String, AttributeValue> item) {
        return new TaskRecord(buildId, item.get(BakeryTable.SK).s().substring(BakeryTable.taskKey("").length()),
                text(item, "arch"), TaskStatus.valueOf(item.get(STATUS).s()), text(item, "imageDigest"), text(item, "error"),
                text(item, RUNNER));
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }
}
