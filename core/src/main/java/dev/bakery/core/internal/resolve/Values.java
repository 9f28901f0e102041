package dev.bakery.core.internal.resolve;

import dev.bakery.core.internal.InvalidValueException;
import dev.bakery.core.internal.spec.Problems;
import dev.bakery.core.internal.yaml.YamlNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed reads from a checked settings block. A value that cannot be read is reported to
 * {@link Problems} and read as "not set", so one resolution reports every bad value.
 */
final class Values {

    /** A parser that may reject the text with a sentence for the user. */
    interface Parser<T> {
        T parse(String text) throws InvalidValueException;
    }

    private final Problems problems;

    Values(Problems problems) {
        this.problems = problems;
    }

    static YamlNode at(YamlNode.Mapping block, String... keys) {
        YamlNode node = block;
        for (String key : keys) {
            if (!(node instanceof YamlNode.Mapping m)) {
                return null;
            }
            node = m.get(key);
        }
        return node instanceof YamlNode.Scalar s && s.isNull() ? null : node;
    }

    static YamlNode.Mapping object(YamlNode.Mapping block, String key) {
        return at(block, key) instanceof YamlNode.Mapping m ? m : new YamlNode.Mapping(
                YamlNode.child(block.path(), key), block.location(), Map.of());
    }

    String string(YamlNode.Mapping block, String key) {
        return at(block, key) instanceof YamlNode.Scalar s ? s.value() : null;
    }

    <T> T parsed(YamlNode.Mapping block, String key, Parser<T> parser) {
        if (!(at(block, key) instanceof YamlNode.Scalar s)) {
            return null;
        }
        try {
            return parser.parse(s.value());
        } catch (InvalidValueException e) {
            problems.error(s, e.getMessage());
            return null;
        }
    }

    /** An enum by its config spelling; the enum's own message names the valid values. */
    static <T> T keyed(java.util.function.Function<String, T> fromKey, String text) throws InvalidValueException {
        try {
            return fromKey.apply(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException(e.getMessage());
        }
    }

    Optional<Boolean> bool(YamlNode.Mapping block, String key) {
        return Optional.ofNullable(parsed(block, key, text -> switch (text) {
            case "true", "True", "TRUE" -> Boolean.TRUE;
            case "false", "False", "FALSE" -> Boolean.FALSE;
            default -> throw new InvalidValueException("expected true or false, found \"" + text + "\"");
        }));
    }

    Map<String, String> stringMap(YamlNode.Mapping block, String key) {
        Map<String, String> out = new LinkedHashMap<>();
        if (at(block, key) instanceof YamlNode.Mapping m) {
            m.entries().forEach((name, value) -> {
                if (value instanceof YamlNode.Scalar s) {
                    out.put(name, s.isNull() ? "" : s.value());
                }
            });
        }
        return out;
    }

    List<String> stringList(YamlNode.Mapping block, String key) {
        List<String> out = new ArrayList<>();
        if (at(block, key) instanceof YamlNode.Sequence seq) {
            for (YamlNode item : seq.items()) {
                if (item instanceof YamlNode.Scalar s && !s.isNull()) {
                    out.add(s.value());
                }
            }
        }
        return out;
    }

    List<YamlNode.Mapping> objects(YamlNode.Mapping block, String... keys) {
        List<YamlNode.Mapping> out = new ArrayList<>();
        if (at(block, keys) instanceof YamlNode.Sequence seq) {
            for (YamlNode item : seq.items()) {
                if (item instanceof YamlNode.Mapping m) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    void error(YamlNode at, String message) {
        problems.error(at, message);
    }

    void warn(YamlNode at, String message) {
        problems.warn(at, message);
    }
}
