package dev.bakery.core.internal.yaml;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A YAML value that remembers its key path and source position, so every error can say
 * {@code config.yaml:12:5: bake[1].kaniko.cache.ttl: ...}. Immutable.
 */
public sealed interface YamlNode {

    /** The key path from the document root, e.g. {@code bake[1].kaniko.cache.ttl}. */
    String path();

    Location location();

    /** What the user would call this kind of value, for "expected a map, found a list". */
    String kind();

    /**
     * A key/value mapping; keys keep the order they were written in. {@code keys} holds where each
     * key was written, so an unknown key is reported on its own line rather than its value's (a
     * map value starts on the next line); mappings built in code leave it empty.
     */
    record Mapping(String path, Location location, Map<String, YamlNode> entries, Map<String, Location> keys)
            implements YamlNode {
        public Mapping {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
            keys = Map.copyOf(keys);
        }

        public Mapping(String path, Location location, Map<String, YamlNode> entries) {
            this(path, location, entries, Map.of());
        }

        public YamlNode get(String key) {
            return entries.get(key);
        }

        /** Where {@code key} was written, or where its value was when unknown. */
        public Location keyLocation(String key) {
            Location at = keys.get(key);
            return at != null ? at : entries.get(key).location();
        }

        @Override
        public String kind() {
            return "a map";
        }
    }

    record Sequence(String path, Location location, List<YamlNode> items) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String kind() {
            return "a list";
        }
    }

    /**
     * A scalar as written. {@code plain} is false for quoted scalars, so {@code "null"} stays a
     * string while a bare {@code null}, {@code ~} or nothing at all means "not set".
     */
    record Scalar(String path, Location location, String value, boolean plain) implements YamlNode {
        public Scalar {
            Objects.requireNonNull(value, "value");
        }

        public boolean isNull() {
            return plain && (value.isEmpty() || value.equals("~") || value.equals("null")
                    || value.equals("Null") || value.equals("NULL"));
        }

        @Override
        public String kind() {
            return isNull() ? "nothing (null)" : "a single value";
        }
    }

    /** Absent, or written as null: either way the key is not set. */
    static boolean isUnset(YamlNode node) {
        return node == null || node instanceof Scalar s && s.isNull();
    }

    static String child(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    static String index(String parent, int i) {
        return parent + "[" + i + "]";
    }
}
