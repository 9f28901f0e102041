package dev.bakery.core.internal.yaml;

import dev.bakery.core.BakeryConfigException;
import dev.bakery.core.Problem;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads one YAML document into {@link YamlNode}s. We compose with SnakeYAML (the parser under
 * Jackson's YAML module) rather than Jackson's tree model because only the composed node graph keeps
 * line and column for every value and shows duplicate keys and {@code <<} merge keys, which compose
 * files use for shared settings.
 */
public final class YamlLoader {

    private static final int MAX_DOCUMENT_CHARS = 1 << 20;

    private YamlLoader() {
    }

    /** The document's root, or an empty mapping for an empty document. */
    public static YamlNode load(String file, String text) {
        if (text.length() > MAX_DOCUMENT_CHARS) {
            throw new BakeryConfigException(new Problem(file, "", 0, 0,
                    "file is larger than " + (MAX_DOCUMENT_CHARS >> 10) + " KiB; is it the right file?"));
        }
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true); // we report duplicates ourselves, with both positions
        options.setMaxAliasesForCollections(50);
        options.setCodePointLimit(MAX_DOCUMENT_CHARS);
        Node root;
        try {
            root = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String what = e.getProblem() != null ? e.getProblem() : e.getMessage();
            // Where the unclosed construct began, e.g. the '{' or quote that the problem is about.
            Mark started = e.getContextMark();
            String context = e.getContext() == null ? "" : " (" + e.getContext()
                    + (started != null && mark != null && started.getLine() != mark.getLine()
                            ? " started at line " + (started.getLine() + 1) : "") + ")";
            // SnakeYAML's words for a line indented out of its block; say what to look at.
            String hint = what.startsWith("expected <block end>") ? "; check the indentation" : "";
            throw new BakeryConfigException(new Problem(file, "",
                    mark == null ? 0 : mark.getLine() + 1, mark == null ? 0 : mark.getColumn() + 1,
                    "not valid YAML: " + what + context + hint));
        } catch (YAMLException e) {
            throw new BakeryConfigException(new Problem(file, "", 0, 0, "not valid YAML: " + e.getMessage()));
        }
        if (root == null) {
            return new YamlNode.Mapping("", Location.nowhere(file), Map.of());
        }
        List<Problem> problems = new ArrayList<>();
        YamlNode node = convert(file, root, "", problems);
        if (!problems.isEmpty()) {
            throw new BakeryConfigException(problems);
        }
        return node;
    }

    private static YamlNode convert(String file, Node node, String path, List<Problem> problems) {
        Location at = locate(file, node);
        return switch (node) {
            case ScalarNode s -> new YamlNode.Scalar(path, at, s.getValue(),
                    s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN);
            case SequenceNode s -> {
                List<YamlNode> items = new ArrayList<>();
                for (Node item : s.getValue()) {
                    items.add(convert(file, item, YamlNode.index(path, items.size()), problems));
                }
                yield new YamlNode.Sequence(path, at, items);
            }
            case MappingNode m -> convertMapping(file, m, path, at, problems);
            default -> throw new IllegalStateException("unknown YAML node " + node.getNodeId());
        };
    }

    private static YamlNode.Mapping convertMapping(String file, MappingNode m, String path, Location at,
            List<Problem> problems) {
        Map<String, YamlNode> entries = new LinkedHashMap<>();
        Map<String, Location> firstSeen = new LinkedHashMap<>();
        Map<String, Location> keys = new LinkedHashMap<>();
        List<YamlNode.Mapping> merged = new ArrayList<>();
        for (NodeTuple tuple : m.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (keyNode.getTag().equals(Tag.MERGE)) {
                collectMerge(file, tuple.getValueNode(), path, merged, problems);
                continue;
            }
            Location keyAt = locate(file, keyNode);
            if (!(keyNode instanceof ScalarNode key)) {
                problems.add(new Problem(file, path, keyAt.line(), keyAt.column(), "keys must be plain words, not " + keyNode.getNodeId()));
                continue;
            }
            String name = key.getValue();
            Location previous = firstSeen.putIfAbsent(name, keyAt);
            if (previous != null) {
                problems.add(new Problem(file, YamlNode.child(path, name), keyAt.line(), keyAt.column(),
                        "duplicate key \"" + name + "\" (first defined at line " + previous.line() + ")"));
                continue;
            }
            entries.put(name, convert(file, tuple.getValueNode(), YamlNode.child(path, name), problems));
            keys.put(name, keyAt);
        }
        // YAML merge keys: explicit keys win over merged ones, earlier merged maps over later ones.
        for (YamlNode.Mapping source : merged) {
            source.entries().forEach((name, value) -> {
                if (entries.putIfAbsent(name, value) == null) {
                    keys.put(name, source.keyLocation(name));
                }
            });
        }
        return new YamlNode.Mapping(path, at, entries, keys);
    }

    private static void collectMerge(String file, Node value, String path, List<YamlNode.Mapping> merged,
            List<Problem> problems) {
        List<Node> sources = value instanceof SequenceNode seq ? seq.getValue() : List.of(value);
        for (Node source : sources) {
            if (convert(file, source, path, problems) instanceof YamlNode.Mapping mapping) {
                merged.add(mapping);
            } else {
                Location at = locate(file, source);
                problems.add(new Problem(file, path, at.line(), at.column(), "a << merge key needs a map or a list of maps"));
            }
        }
    }

    private static Location locate(String file, Node node) {
        Mark mark = node.getStartMark();
        return mark == null ? Location.nowhere(file) : new Location(file, mark.getLine() + 1, mark.getColumn() + 1);
    }
}
