package dev.bakery.core.internal.spec;

import dev.bakery.core.SourceFile;
import dev.bakery.core.internal.yaml.Location;
import dev.bakery.core.internal.yaml.YamlLoader;
import dev.bakery.core.internal.yaml.YamlNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A config.yaml: {@code global} settings and the {@code bake} entries that override them, checked
 * against the {@link Schema}.
 *
 * @param global   the global block (empty when absent)
 * @param bake     the bake entries, in order
 * @param bakeNode the {@code bake} key's value, or the document when absent, for errors about it
 */
public record ConfigFile(YamlNode.Mapping global, List<YamlNode.Mapping> bake, YamlNode bakeNode) {

    private static final Set<String> ROOT_KEYS = Set.of("global", "bake");

    public static ConfigFile read(SourceFile file, Problems problems) {
        YamlNode root = YamlLoader.load(file.name(), file.text());
        if (!(root instanceof YamlNode.Mapping doc)) {
            problems.error(root, "a config file is a map with global and bake, found " + root.kind());
            return new ConfigFile(empty(file.name(), "global"), List.of(), root);
        }
        doc.entries().keySet().forEach(name -> {
            if (!ROOT_KEYS.contains(name)) {
                String hint = Schema.suggest(name, ROOT_KEYS).map(s -> ": did you mean \"" + s + "\"?")
                        .orElse(Schema.SETTINGS.key(name).isPresent()
                                ? ": settings go under global or a bake entry" : " (a config file has global and bake)");
                problems.keyError(doc, name, "unknown key \"" + name + "\"" + hint);
            }
        });
        YamlNode.Mapping global = empty(file.name(), "global");
        YamlNode globalNode = doc.get("global");
        if (globalNode instanceof YamlNode.Mapping m) {
            Layers.check(m, Schema.SETTINGS, problems);
            global = m;
        } else if (!YamlNode.isUnset(globalNode)) {
            problems.error(globalNode, "expected a map of settings, found " + globalNode.kind());
        }
        List<YamlNode.Mapping> bake = new ArrayList<>();
        YamlNode bakeNode = doc.get("bake");
        if (bakeNode instanceof YamlNode.Sequence seq) {
            for (YamlNode item : seq.items()) {
                if (item instanceof YamlNode.Mapping m) {
                    Layers.check(m, Schema.SETTINGS, problems);
                    if (m.get("index-format") != null) {
                        problems.keyError(m, "index-format", "index-format applies to the whole build: set it in global");
                    }
                    bake.add(m);
                } else {
                    problems.error(item, "expected a map of settings for one architecture, found " + item.kind());
                }
            }
        } else if (!YamlNode.isUnset(bakeNode)) {
            problems.error(bakeNode, "expected a list of per-architecture entries, found " + bakeNode.kind());
        }
        return new ConfigFile(global, bake, bakeNode == null ? doc : bakeNode);
    }

    private static YamlNode.Mapping empty(String file, String path) {
        return new YamlNode.Mapping(path, Location.nowhere(file), Map.of());
    }
}
