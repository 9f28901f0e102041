package dev.bakery.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a build task runs: a Fargate task, or a Job in the user's cluster through the k8s bridge. */
public enum Platform {
    ECS, K8S;

    /** The config.yaml spelling. */
    @JsonValue
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    static Platform fromKey(String key) {
        for (Platform p : values()) {
            if (p.key().equals(key)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown platform \"" + key + "\" (use ecs or k8s)");
    }
}
