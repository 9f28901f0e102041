package dev.bakery.core;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Defensive copies for the plan records: unmodifiable, null read as empty, maps sorted by key. */
final class Copies {

    private Copies() {
    }

    static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }

    /** Sorted so that the same plan always serializes to the same JSON. */
    static Map<String, String> map(Map<String, String> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(map));
    }
}
