package dev.bakery.local.tasks;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.functions.handler.PublishIndexHandler;
import dev.bakery.local.LocalAws;
import dev.bakery.local.agents.AgentProcesses;
import dev.bakery.local.secrets.LocalSecretVault;
import dev.bakery.local.statemachine.ExecutionContext;
import dev.bakery.local.statemachine.TaskFailure;
import dev.bakery.local.statemachine.TaskHandler;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the build state machine's Task states on one machine, by resource (contracts, section 1):
 * <ul>
 * <li>{@code ecs:runTask.sync} and the k8s activity: the task's agent as a local process; the answer
 * is ECS's stopped-task shape ({@code Containers[0].ExitCode}), and a non-zero exit fails the
 * state with {@code States.TaskFailed} carrying that shape as its cause;</li>
 * <li>{@code lambda:invoke} of the index publisher: the real {@link PublishIndexHandler}, answered
 * as {@code {ExecutedVersion, Payload, StatusCode}}; its exception fails the state with the
 * exception's class name as the error, as a Java Lambda's would;</li>
 * <li>{@code dynamodb:updateItem} and {@code aws-sdk:dynamodb:query}: {@link DynamoDbUpdateItem} on the local store (dynalite);</li>
 * <li>{@code events:putEvents}: logged (no bus on one machine);</li>
 * <li>{@code aws-sdk:secretsmanager:deleteSecret}: the local vault, a missing secret as
 * {@code SecretsManager.ResourceNotFoundException}.</li>
 * </ul>
 */
public final class LocalTasks implements TaskHandler {

    public static final String RUN_TASK = "arn:aws:states:::ecs:runTask.sync";
    public static final String LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
    public static final String UPDATE_ITEM = DynamoDbUpdateItem.RESOURCE;
    public static final String QUERY = DynamoDbUpdateItem.QUERY;
    public static final String PUT_EVENTS = "arn:aws:states:::events:putEvents";
    public static final String DELETE_SECRET = "arn:aws:states:::aws-sdk:secretsmanager:deleteSecret";

    private static final Logger LOG = LoggerFactory.getLogger(LocalTasks.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AgentProcesses agents;
    private final PublishIndexHandler publisher;
    private final DynamoDbUpdateItem dynamo;
    private final LocalSecretVault vault;

    public LocalTasks(AgentProcesses agents, PublishIndexHandler publisher, DynamoDbUpdateItem dynamo, LocalSecretVault vault) {
        this.agents = agents;
        this.publisher = publisher;
        this.dynamo = dynamo;
        this.vault = vault;
    }

    /** One Task state; an agent it ran is stopped when the execution is (InterruptedException). */
    @Override
    public JsonNode handle(String stateName, String resource, JsonNode parameters, ExecutionContext context)
            throws TaskFailure, InterruptedException {
        return switch (resource) {
            case RUN_TASK -> runAgent(containerEnvironment(parameters));
            case LAMBDA_INVOKE -> invoke(parameters);
            case UPDATE_ITEM, QUERY -> dynamo.handle(stateName, resource, parameters, context);
            case PUT_EVENTS -> putEvents(parameters);
            case DELETE_SECRET -> deleteSecret(parameters);
            default -> {
                if (resource.startsWith("arn:aws:states:") && resource.contains(":activity:")) {
                    yield runAgent(activityTask(parameters));
                }
                throw new TaskFailure("States.Runtime", "state \"" + stateName + "\" uses " + resource
                        + ", which the local mode does not run");
            }
        };
    }

    private record TaskIds(String buildId, String taskId) {
    }

    private JsonNode runAgent(TaskIds ids) throws TaskFailure, InterruptedException {
        int exitCode = agents.run(ids.buildId(), ids.taskId());
        ObjectNode stopped = JSON.createObjectNode();
        stopped.putArray("Containers").addObject().put("Name", "agent").put("ExitCode", exitCode)
                .put("LastStatus", "STOPPED");
        stopped.put("LastStatus", "STOPPED");
        stopped.put("StopCode", "EssentialContainerExited");
        stopped.put("StoppedReason", "Essential container in task exited");
        stopped.put("TaskArn", "arn:aws:ecs:" + LocalAws.REGION.id() + ":" + LocalAws.ACCOUNT + ":task/bakery-local/"
                + UUID.randomUUID().toString().replace("-", ""));
        if (exitCode != 0) {
            throw new TaskFailure("States.TaskFailed", stopped.toString());
        }
        return stopped;
    }

    /** BAKERY_BUILD_ID and BAKERY_TASK_ID from {@code Overrides.ContainerOverrides[*].Environment}. */
    private static TaskIds containerEnvironment(JsonNode parameters) throws TaskFailure {
        String buildId = null;
        String taskId = null;
        for (JsonNode container : parameters.path("Overrides").path("ContainerOverrides")) {
            for (JsonNode variable : container.path("Environment")) {
                switch (variable.path("Name").asText()) {
                    case "BAKERY_BUILD_ID" -> buildId = variable.path("Value").asText(null);
                    case "BAKERY_TASK_ID" -> taskId = variable.path("Value").asText(null);
                    default -> {
                        // the agent reads everything else from DynamoDB
                    }
                }
            }
        }
        return ids(buildId, taskId, "Overrides.ContainerOverrides[].Environment");
    }

    /** An activity's input is the Map item: {@code buildId} and {@code taskId}, possibly under {@code Input}. */
    private static TaskIds activityTask(JsonNode parameters) throws TaskFailure {
        JsonNode item = parameters.has("taskId") ? parameters : parameters.path("Input");
        return ids(item.path("buildId").asText(null), item.path("taskId").asText(null), "the activity input");
    }

    private static TaskIds ids(String buildId, String taskId, String where) throws TaskFailure {
        if (buildId == null || taskId == null) {
            throw new TaskFailure("States.Runtime", "no BAKERY_BUILD_ID and BAKERY_TASK_ID in " + where);
        }
        return new TaskIds(buildId, taskId);
    }

    private JsonNode invoke(JsonNode parameters) throws TaskFailure {
        String function = parameters.path("FunctionName").asText();
        if (!function.equals(LocalAws.PUBLISH_INDEX_FUNCTION) && !function.startsWith(LocalAws.PUBLISH_INDEX_FUNCTION + ":")) {
            throw new TaskFailure("Lambda.ResourceNotFoundException", "Function not found: " + function);
        }
        Map<String, Object> payload = JSON.convertValue(parameters.path("Payload"), new TypeReference<>() { });
        Map<String, Object> result;
        try {
            result = publisher.handleRequest(payload, null);
        } catch (RuntimeException e) {
            ObjectNode cause = JSON.createObjectNode().put("errorMessage", String.valueOf(e.getMessage()))
                    .put("errorType", e.getClass().getName());
            throw new TaskFailure(e.getClass().getName(), cause.toString());
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.put("ExecutedVersion", "$LATEST");
        answer.set("Payload", JSON.valueToTree(result));
        answer.put("StatusCode", 200);
        return answer;
    }

    private static JsonNode putEvents(JsonNode parameters) {
        ObjectNode answer = JSON.createObjectNode();
        var entries = answer.putArray("Entries");
        for (JsonNode entry : parameters.path("Entries")) {
            LOG.info("event {}: {}", entry.path("DetailType").asText(), entry.path("Detail"));
            entries.addObject().put("EventId", UUID.randomUUID().toString());
        }
        answer.put("FailedEntryCount", 0);
        return answer;
    }

    private JsonNode deleteSecret(JsonNode parameters) throws TaskFailure {
        String secretId = parameters.path("SecretId").asText();
        if (!vault.remove(secretId)) {
            throw new TaskFailure("SecretsManager.ResourceNotFoundException", "Secrets Manager can't find the specified secret: "
                    + secretId);
        }
        String name = LocalSecretVault.name(secretId);
        return JSON.createObjectNode().put("ARN", LocalSecretVault.ARN_PREFIX + name).put("Name", name)
                .put("DeletionDate", Instant.now().toString());
    }
}
