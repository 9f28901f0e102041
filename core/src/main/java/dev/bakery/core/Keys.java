package dev.bakery.core;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The lower-case spelling our enums have in config.yaml and plan JSON, and its reverse lookup. */
final class Keys {

    private Keys() {
    }

    static String key(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    static <E extends Enum<E>> E byKey(Class<E> type, String what, String key) {
        List<String> keys = Arrays.stream(type.getEnumConstants()).map(Keys::key).toList();
        int i = keys.indexOf(key);
        if (i < 0) {
            throw new IllegalArgumentException("unknown " + what + " \"" + key + "\" (use "
                    + String.join(", ", keys.subList(0, keys.size() - 1)) + " or " + keys.getLast() + ")");
        }
        return type.getEnumConstants()[i];
    }
}
