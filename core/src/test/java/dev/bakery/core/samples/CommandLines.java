package dev.bakery.core.samples;

import dev.bakery.core.internal.InvalidValueException;
import dev.bakery.core.internal.resolve.ShellWords;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Finds the {@code bakery ...} command lines that the samples, the CI pipelines and the docs tell
 * users to run, so tests can hold them to the CLI's real flags (the cli module's flag test uses
 * this through core's test-jar). A command starts at the word {@code bakery} at the start of a
 * shell command (first word, after {@code exec}, {@code VAR=value} words or an operator) and ends
 * at the next operator. Only quoting is interpreted; operators must stand as words of their own.
 */
public final class CommandLines {

    /** One command line: where it was found and its words, {@code bakery} first. */
    public record Command(String source, List<String> words) {

        public Command {
            words = List.copyOf(words);
        }

        /** {@code build}, {@code validate}, ... or "" for a bare {@code bakery}. */
        public String subcommand() {
            return words.size() > 1 && !words.get(1).startsWith("-") ? words.get(1) : "";
        }

        /** The long and short options it uses, without their {@code =value}. */
        public List<String> options() {
            return words.stream().skip(1).filter(w -> w.startsWith("-") && w.length() > 1)
                    .map(w -> w.contains("=") ? w.substring(0, w.indexOf('=')) : w).toList();
        }

        /** The value after {@code option} (as the next word or after {@code =}), or null. */
        public String value(String option) {
            for (int i = 1; i < words.size(); i++) {
                if (words.get(i).startsWith(option + "=")) {
                    return words.get(i).substring(option.length() + 1);
                }
                if (words.get(i).equals(option) && i + 1 < words.size()) {
                    return words.get(i + 1);
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return source + ": " + String.join(" ", words);
        }
    }

    private static final Set<String> OPERATORS = Set.of("&&", "||", ";", "|", "&", "(", ")", "then", "do", "!");
    private static final Pattern ASSIGNMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=.*");
    /** GitHub's ${{ ... }} expressions hold spaces; a placeholder keeps them one word. */
    private static final Pattern GITHUB_EXPRESSION = Pattern.compile("\\$\\{\\{.*?}}");
    private static final Pattern FENCE = Pattern.compile("(?m)^```(\\w*)\\s*$");
    private static final Set<String> SHELL_FENCES = Set.of("", "sh", "bash", "shell", "console");

    private CommandLines() {
    }

    /** Every command the repository shows users: CI pipelines, sample comments, README and docs. */
    public static List<Command> inRepository(Path root) {
        List<Command> all = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root.resolve("samples"))) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = file.getFileName().toString();
                if (file.getParent().endsWith("ci") && (name.endsWith(".yml") || name.endsWith(".yaml"))) {
                    all.addAll(inYaml(file));
                } else if (name.endsWith(".yml") || name.endsWith(".yaml") || name.startsWith("Dockerfile")) {
                    all.addAll(inComments(file));
                } else if (name.endsWith(".md")) {
                    all.addAll(inMarkdown(file));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        all.addAll(inMarkdown(root.resolve("README.md")));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(p -> all.addAll(inMarkdown(p)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    /** The commands of a shell script; {@code #} comment lines are skipped. */
    public static List<Command> inShell(String source, String script) {
        List<Command> commands = new ArrayList<>();
        String joined = GITHUB_EXPRESSION.matcher(script.replace("\\\n", " ")).replaceAll("EXPRESSION");
        for (String line : joined.split("\n")) {
            String text = line.strip();
            if (text.startsWith("$ ")) {
                text = text.substring(2); // a console prompt
            }
            if (text.isEmpty() || text.startsWith("#") || !text.matches(".*\\bbakery\\b.*")) {
                continue;
            }
            List<String> words;
            try {
                words = ShellWords.split(text);
            } catch (InvalidValueException e) {
                throw new IllegalArgumentException(source + ": cannot read \"" + text + "\": " + e.getMessage(), e);
            }
            commands.addAll(commands(source, words));
        }
        return commands;
    }

    /** The commands in every string of a YAML file (a CI pipeline's run/script blocks). */
    public static List<Command> inYaml(Path file) {
        List<Command> commands = new ArrayList<>();
        strings(load(file), text -> commands.addAll(inShell(file.toString(), text)));
        return commands;
    }

    /**
     * The commands a file shows in its comments: code is indented within the comment
     * ({@code #   bakery build ...}), prose is not and is not read.
     */
    public static List<Command> inComments(Path file) {
        StringBuilder comments = new StringBuilder();
        for (String line : read(file).split("\n")) {
            String text = line.strip();
            if (text.startsWith("#   ")) {
                comments.append(text.substring(1)).append('\n');
            }
        }
        return inShell(file.toString(), comments.toString());
    }

    /** The commands in a Markdown file's shell code blocks (unlabelled, sh, bash, shell, console). */
    public static List<Command> inMarkdown(Path file) {
        List<Command> commands = new ArrayList<>();
        String text = read(file);
        Matcher fence = FENCE.matcher(text);
        while (fence.find()) {
            String language = fence.group(1);
            int start = fence.end();
            if (!fence.find()) {
                throw new IllegalArgumentException(file + ": a code block is not closed");
            }
            if (SHELL_FENCES.contains(language)) {
                commands.addAll(inShell(file.toString(), text.substring(start, fence.start())));
            }
        }
        return commands;
    }

    /** A YAML file as plain maps, lists and scalars (fails if it is not YAML). */
    public static Object load(Path file) {
        return new Yaml(new SafeConstructor(new LoaderOptions())).load(read(file));
    }

    private static List<Command> commands(String source, List<String> words) {
        List<Command> found = new ArrayList<>();
        boolean commandStart = true;
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            // `bakery` on the PATH, or the launcher by path (`./bakery`)
            if (commandStart && (word.equals("bakery") || word.endsWith("/bakery"))) {
                int end = i + 1;
                while (end < words.size() && !OPERATORS.contains(words.get(end))) {
                    end++;
                }
                found.add(new Command(source, words.subList(i, end)));
                i = end - 1;
                commandStart = false;
            } else {
                commandStart = OPERATORS.contains(word) || commandStart && (word.equals("exec") || ASSIGNMENT.matcher(word).matches());
            }
        }
        return found;
    }

    private static void strings(Object node, Consumer<String> each) {
        switch (node) {
            case String s -> each.accept(s);
            case Map<?, ?> map -> map.values().forEach(v -> strings(v, each));
            case List<?> list -> list.forEach(v -> strings(v, each));
            case null, default -> {
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
