package dev.bakery.local.statemachine;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** A {@link TaskHandler} that hands each call to the handler registered for its Task's resource. */
public final class TaskRouter implements TaskHandler {

    private final Map<String, TaskHandler> byResource;

    private TaskRouter(Map<String, TaskHandler> byResource) {
        this.byResource = Map.copyOf(byResource);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** @throws TaskFailure {@code Bakery.NoLocalHandler} for a resource nothing was registered for */
    @Override
    public JsonNode handle(String stateName, String resource, JsonNode parameters, ExecutionContext context)
            throws TaskFailure, InterruptedException {
        TaskHandler handler = byResource.get(resource);
        if (handler == null) {
            throw new TaskFailure("Bakery.NoLocalHandler", "nothing answers " + resource + " (state " + stateName
                    + ") locally; known resources: " + byResource.keySet());
        }
        return handler.handle(stateName, resource, parameters, context);
    }

    public static final class Builder {
        private final Map<String, TaskHandler> byResource = new LinkedHashMap<>();

        private Builder() {
        }

        /** Routes {@code resource} (e.g. {@code arn:aws:states:::lambda:invoke} or an activity ARN) to {@code handler}. */
        public Builder on(String resource, TaskHandler handler) {
            if (byResource.putIfAbsent(resource, handler) != null) {
                throw new IllegalArgumentException("a handler for " + resource + " is registered already");
            }
            return this;
        }

        public TaskRouter build() {
            return new TaskRouter(byResource);
        }
    }
}
