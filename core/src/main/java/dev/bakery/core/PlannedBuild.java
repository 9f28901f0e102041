package dev.bakery.core;

import java.util.Map;

/**
 * A plan and the inline registry passwords split off from it. The passwords go to the server once,
 * which stores them in the build's own secret under these keys; {@link #toString()} never shows them.
 *
 * @param plan            the plan, free of secret values
 * @param inlinePasswords key (as in {@link SecretRef#key()}) to password
 */
public record PlannedBuild(BuildPlan plan, Map<String, String> inlinePasswords) {

    public PlannedBuild {
        inlinePasswords = Copies.map(inlinePasswords);
    }

    @Override
    public String toString() {
        return "PlannedBuild[plan=" + plan + ", inlinePasswords=" + inlinePasswords.keySet() + " (values hidden)]";
    }
}
