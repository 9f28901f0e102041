import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.logging.log4j.core.config.plugins.processor.PluginCache;
import org.apache.logging.log4j.core.config.plugins.processor.PluginEntry;

/**
 * Build step of the Lambda jar (run by the functions pom after shading): keeps in the jar's Log4j
 * plugin cache only the plugins named in {@code log4j-plugins.txt}.
 *
 * <p>Why: Log4j loads the class of every plugin listed in {@code Log4j2Plugins.dat} when it starts
 * (Kafka, JDBC, SMTP appenders, XML/YAML/JSON configuration factories that initialize Jackson...),
 * about 250 classes of which the function's configuration uses 40. Every cold start paid for them.
 * The classes stay in the jar; Log4j just no longer knows the unused ones as plugins. A name in the
 * list that the jar does not have fails the build, so an upgrade cannot drop a plugin silently.
 *
 * <p>Usage: {@code java -cp <log4j-core> TrimLog4jPlugins.java <lambda.jar> <log4j-plugins.txt>}
 */
public final class TrimLog4jPlugins {

    private static final String CACHE = "META-INF/org/apache/logging/log4j/core/config/plugins/Log4j2Plugins.dat";

    public static void main(String[] args) throws IOException {
        Map<String, Set<String>> keep = allowList(Path.of(args[1]));
        Path jar = Path.of(args[0]).toAbsolutePath();
        try (FileSystem zip = FileSystems.newFileSystem(jar)) {
            Path dat = zip.getPath(CACHE);
            PluginCache cache = new PluginCache();
            cache.loadCacheFiles(Collections.enumeration(List.of(URI.create("jar:" + jar.toUri() + "!/" + CACHE).toURL())));
            int before = 0;
            int after = 0;
            List<String> missing = new ArrayList<>();
            for (var category = cache.getAllCategories().entrySet().iterator(); category.hasNext(); ) {
                Map.Entry<String, Map<String, PluginEntry>> entry = category.next();
                Map<String, PluginEntry> plugins = entry.getValue();
                before += plugins.size();
                Set<String> names = keep.get(entry.getKey());
                if (names == null) {
                    category.remove();
                    continue;
                }
                if (!names.contains("*")) {
                    names.stream().filter(name -> !plugins.containsKey(name)).forEach(name -> missing.add(entry.getKey() + ": " + name));
                    plugins.keySet().retainAll(names);
                }
                after += plugins.size();
            }
            keep.keySet().stream().filter(category -> !cache.getAllCategories().containsKey(category))
                    .forEach(category -> missing.add(category + " (the whole category)"));
            if (!missing.isEmpty()) {
                throw new IllegalStateException(args[1] + " names Log4j plugins that " + jar.getFileName()
                        + " does not have: " + missing);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            cache.writeCache(out);
            Files.write(dat, out.toByteArray());
            System.out.printf("Log4j plugin cache of %s: kept %d of %d plugins%n", jar.getFileName(), after, before);
        }
    }

    /** Lines {@code category: name name ...} ({@code *} for all of a category); {@code #} starts a comment. */
    private static Map<String, Set<String>> allowList(Path file) throws IOException {
        Map<String, Set<String>> keep = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            line = line.replaceFirst("#.*", "").strip();
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException(file + ": expected \"category: name ...\", got \"" + line + "\"");
            }
            keep.computeIfAbsent(line.substring(0, colon).strip().toLowerCase(), k -> new TreeSet<>())
                    .addAll(List.of(line.substring(colon + 1).strip().toLowerCase().split("\\s+")));
        }
        return keep;
    }
}
