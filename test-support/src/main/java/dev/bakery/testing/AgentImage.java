package dev.bakery.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The agent image as agent/Dockerfile declares it, without building it: a JRE image's root filesystem
 * (this machine's glibc userland, and a JDK of the Dockerfile's {@code dev.bakery.java-major} at
 * Temurin's {@code /opt/java/openjdk}), then the Dockerfile's COPY, ENV and ENTRYPOINT lines read from
 * the file itself, so what runs is what the image would run. The agent's jar and libraries must have
 * been built ({@code ./mvnw -pl agent -am package}).
 *
 * @param container   its root filesystem, ready to start
 * @param entryPoint  the Dockerfile's ENTRYPOINT
 * @param environment the JRE image's variables, then the Dockerfile's ENV
 * @param javaMajor   the Java major the Dockerfile declares
 */
public record AgentImage(ChrootContainer container, List<String> entryPoint, Map<String, String> environment, int javaMajor) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static AgentImage assemble(Path repository, Path root) throws IOException {
        List<String> lines = instructions(repository.resolve("agent/Dockerfile"));
        int major = lines.stream().filter(l -> l.startsWith("LABEL ")).map(l -> assignments(l.substring(6)))
                .map(m -> m.get("dev.bakery.java-major")).filter(v -> v != null).map(Integer::parseInt).findFirst()
                .orElseThrow(() -> new AssertionError("agent/Dockerfile declares no LABEL dev.bakery.java-major"));
        Files.createDirectories(root);
        ChrootContainer container = new ChrootContainer(root);
        // The JRE image's userland: this machine's (merged /usr, as in Debian and Ubuntu).
        for (String top : List.of("bin", "sbin", "lib", "lib64")) {
            Path host = Path.of("/" + top);
            if (Files.isSymbolicLink(host)) {
                Files.createSymbolicLink(root.resolve(top), Files.readSymbolicLink(host));
            }
        }
        container.mount(Path.of("/usr"), "/usr").mount(Path.of("/etc"), "/etc")
                .mount(jdk(major), "/opt/java/openjdk");
        Files.createDirectories(root.resolve("tmp"));
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("PATH", "/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        environment.put("JAVA_HOME", "/opt/java/openjdk");
        List<String> entryPoint = null;
        for (String line : lines) {
            String[] parts = line.split("\\s+", 2);
            switch (parts[0]) {
                case "COPY" -> {
                    String[] paths = parts[1].split("\\s+");
                    Path source = repository.resolve(paths[0]);
                    if (!Files.exists(source)) {
                        throw new AssertionError(source + " is missing: build it first with ./mvnw -pl agent -am package");
                    }
                    if (Files.isDirectory(source)) {
                        container.mount(source, paths[1].replaceAll("/$", ""));
                    } else {
                        Path target = root.resolve(paths[1].substring(1));
                        Files.createDirectories(target.getParent());
                        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                case "ENV" -> environment.putAll(assignments(parts[1]));
                case "ENTRYPOINT" -> entryPoint = List.of(JSON.readValue(parts[1], String[].class));
                case "ARG", "FROM", "LABEL" -> {
                    // FROM ${JRE_IMAGE} is the root filesystem above; the label was read first.
                }
                default -> throw new AssertionError("agent/Dockerfile has an instruction this stand-in does not know: " + line);
            }
        }
        if (entryPoint == null) {
            throw new AssertionError("agent/Dockerfile declares no ENTRYPOINT");
        }
        return new AgentImage(container, entryPoint, Map.copyOf(environment), major);
    }

    /** A JDK of that major on this machine: the JRE of the image's version. */
    private static Path jdk(int major) throws IOException {
        try (Stream<Path> jvms = Files.list(Path.of("/usr/lib/jvm"))) {
            for (Path jvm : jvms.sorted().toList()) {
                Path release = jvm.resolve("release");
                if (!Files.isSymbolicLink(jvm) && Files.isRegularFile(release)
                        && Files.readString(release).contains("JAVA_VERSION=\"" + major + ".")) {
                    return jvm;
                }
            }
        }
        throw new AssertionError("no JDK " + major + " under /usr/lib/jvm: the agent image's Java major (agent/Dockerfile)");
    }

    /** The Dockerfile's instructions, continuation lines joined, comments and blank lines dropped. */
    private static List<String> instructions(Path dockerfile) throws IOException {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(dockerfile)) {
            String stripped = line.strip();
            if (stripped.startsWith("#") || stripped.isEmpty()) {
                continue;
            }
            if (stripped.endsWith("\\")) {
                current.append(stripped, 0, stripped.length() - 1).append(' ');
            } else {
                instructions.add(current.append(stripped).toString());
                current.setLength(0);
            }
        }
        return instructions;
    }

    private static Map<String, String> assignments(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        Matcher matcher = Pattern.compile("([A-Za-z_][A-Za-z0-9_.-]*)=(\"[^\"]*\"|\\S*)").matcher(text);
        while (matcher.find()) {
            String value = matcher.group(2);
            values.put(matcher.group(1), value.startsWith("\"") ? value.substring(1, value.length() - 1) : value);
        }
        return values;
    }
}
