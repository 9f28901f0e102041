package dev.bakery.core.internal.spec;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * The keys a build settings block may hold (a config's {@code global}, each {@code bake} entry,
 * compose's {@code x-bake}) and how a more specific block merges over a general one. One table
 * drives unknown-key errors, shape checks and merging, so they cannot drift apart.
 */
public final class Schema {

    /** The shape of a key's value, which also fixes how it merges. */
    public enum Kind {
        /** replaced by the more specific block */
        SCALAR,
        /** string-to-string map: merged, the more specific block wins per key */
        STRING_MAP,
        /** replaced as a whole; an empty list inherits, as the original Bakery does */
        SCALAR_LIST,
        /** replaced as a whole (all-or-nothing); an empty list inherits, as the original Bakery does */
        OBJECT_LIST,
        /** merged key by key */
        OBJECT
    }

    /** One key: its kind and, for objects and object lists, the keys inside. */
    public record Key(String name, Kind kind, Schema fields) {
    }

    private static final Schema CREDENTIAL = of(
            scalar("registry"), scalar("username"), scalar("password"), scalar("secret"));

    private static final Schema CACHE = of(
            scalar("enable"), scalar("repo"), scalar("ttl"), scalar("copy-layers"), scalar("run-layers"),
            scalar("compressed"));

    private static final Schema KANIKO = of(
            scalar("context-path"), scalar("dockerfile"), new Key("build-args", Kind.STRING_MAP, null),
            new Key("cache", Kind.OBJECT, CACHE), scalar("snapshot-mode"), scalar("use-new-run"),
            scalar("cleanup"), scalar("custom-platform"), scalar("destination"), scalar("no-push"),
            new Key("ignore-path", Kind.SCALAR_LIST, null), scalar("extra-flags"), scalar("target"),
            new Key("labels", Kind.STRING_MAP, null), new Key("tags", Kind.SCALAR_LIST, null),
            // Accepted for configs written for the original Bakery, which ignored them (see Compat).
            scalar("container-name"), new Key("env", Kind.STRING_MAP, null),
            new Key("image", Kind.OBJECT, of(new Key("secret", Kind.OBJECT_LIST, CREDENTIAL))));

    /** A build settings block. */
    public static final Schema SETTINGS = of(
            scalar("platform"), scalar("arch"), new Key("env", Kind.STRING_MAP, null), scalar("cpu"),
            scalar("memory"), scalar("pre-script"), scalar("post-script"),
            new Key("kaniko-credentials", Kind.OBJECT_LIST, CREDENTIAL), new Key("kaniko", Kind.OBJECT, KANIKO),
            scalar("timeout"), scalar("spot"), scalar("index-format"),
            new Key("secrets", Kind.OBJECT_LIST, of(scalar("id"), scalar("secret"))));

    private static final LevenshteinDistance DISTANCE = new LevenshteinDistance(3);

    private final Map<String, Key> keys;

    private Schema(Map<String, Key> keys) {
        this.keys = keys;
    }

    private static Schema of(Key... keys) {
        Map<String, Key> map = new LinkedHashMap<>();
        for (Key key : keys) {
            map.put(key.name(), key);
        }
        return new Schema(Map.copyOf(map));
    }

    private static Key scalar(String name) {
        return new Key(name, Kind.SCALAR, null);
    }

    public Optional<Key> key(String name) {
        return Optional.ofNullable(keys.get(name));
    }

    /** Every key path this schema accepts, e.g. {@code kaniko.cache.ttl}: the config reference must list each. */
    public java.util.List<String> paths() {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (Key key : keys.values()) {
            out.add(key.name());
            if (key.fields() != null) {
                String prefix = key.name() + (key.kind() == Kind.OBJECT_LIST ? "[]." : ".");
                key.fields().paths().forEach(p -> out.add(prefix + p));
            }
        }
        return out.stream().sorted().toList();
    }

    /** The known key nearest to a misspelt one, if any is near enough to be a likely typo. */
    public Optional<String> suggest(String unknown) {
        return suggest(unknown, keys.keySet());
    }

    public static Optional<String> suggest(String unknown, java.util.Collection<String> known) {
        String normalized = unknown.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        if (known.contains(normalized)) {
            return Optional.of(normalized);
        }
        int limit = Math.max(1, Math.min(3, unknown.length() / 3));
        return known.stream()
                .map(k -> Map.entry(k, DISTANCE.apply(normalized, k)))
                .filter(e -> e.getValue() >= 0 && e.getValue() <= limit)
                .min(Comparator.comparing((Map.Entry<String, Integer> e) -> e.getValue()).thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey);
    }

}
