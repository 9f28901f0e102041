package dev.bakery.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Where a build task runs: a Fargate task, or a Job in the user's cluster through the k8s bridge. */
public enum Platform {
    ECS, K8S;

    /** The config.yaml spelling. */
    @JsonValue
    public String key() {
        return Keys.key(this);
    }

    /** @throws IllegalArgumentException naming the valid values */
    @JsonCreator
    public static Platform fromKey(String key) {
        return Keys.byKey(Platform.class, "platform", key);
    }
}
