package dev.bakery.k8s.config;

import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.util.List;

/** Tolerations written the way {@code kubectl taint} writes taints: {@code key[=value][:Effect]}. */
public final class Tolerations {

    private static final List<String> EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");

    private Tolerations() {
    }

    /**
     * {@code key=value:Effect} tolerates that taint exactly, {@code key:Effect} any value of the key;
     * without an effect, every effect.
     *
     * @throws IllegalArgumentException naming the bad part
     */
    public static Toleration parse(String text) {
        String spec = text.strip();
        String effect = null;
        int colon = spec.lastIndexOf(':');
        if (colon >= 0) {
            effect = spec.substring(colon + 1);
            spec = spec.substring(0, colon);
            if (!EFFECTS.contains(effect)) {
                throw new IllegalArgumentException("toleration \"" + text + "\": effect must be one of " + String.join(", ", EFFECTS) + ", not \""
                        + effect + "\"");
            }
        }
        int eq = spec.indexOf('=');
        String key = eq >= 0 ? spec.substring(0, eq) : spec;
        if (key.isEmpty()) {
            throw new IllegalArgumentException("toleration \"" + text + "\" has no key (write key[=value][:Effect])");
        }
        TolerationBuilder toleration = new TolerationBuilder().withKey(key).withEffect(effect);
        return eq >= 0
                ? toleration.withOperator("Equal").withValue(spec.substring(eq + 1)).build()
                : toleration.withOperator("Exists").build();
    }
}
