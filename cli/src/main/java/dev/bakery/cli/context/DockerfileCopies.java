package dev.bakery.cli.context;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The build-context paths a Dockerfile's {@code COPY} and {@code ADD} name literally (not those
 * {@code --from} a stage or image, not globs' matches): enough to tell a user before the upload that
 * a file the build copies is never uploaded.
 */
final class DockerfileCopies {

    /** One source of a COPY or ADD, relative to the build context as written. */
    record Source(int line, String path) {
    }

    private static final Pattern INSTRUCTION = Pattern.compile("(?i)^\\s*(COPY|ADD)\\s+(.*)$");
    private static final Pattern JSON_STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    private DockerfileCopies() {
    }

    static List<Source> sources(String dockerfile) {
        List<Source> sources = new ArrayList<>();
        String[] lines = dockerfile.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int first = i;
            StringBuilder logical = new StringBuilder(lines[i].stripTrailing());
            while (logical.toString().endsWith("\\") && i + 1 < lines.length) { // a continued line
                logical.setLength(logical.length() - 1);
                logical.append(' ').append(lines[++i].strip());
            }
            Matcher instruction = INSTRUCTION.matcher(logical);
            if (instruction.matches()) {
                arguments(instruction.group(2).strip()).forEach(path -> sources.add(new Source(first + 1, path)));
            }
        }
        return sources;
    }

    /** The sources of one instruction's arguments: all but the last, after its flags. */
    private static List<String> arguments(String text) {
        List<String> words = new ArrayList<>();
        if (text.startsWith("[")) {
            Matcher string = JSON_STRING.matcher(text);
            while (string.find()) {
                words.add(string.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
            }
        } else {
            while (text.startsWith("--")) {
                String[] flag = text.split("\\s+", 2);
                if (flag[0].toLowerCase(Locale.ROOT).startsWith("--from=")) {
                    return List.of(); // from another stage or image, not from the context
                }
                text = flag.length > 1 ? flag[1] : "";
            }
            if (text.startsWith("[")) {
                return arguments(text);
            }
            if (text.contains("<<")) {
                return List.of(); // a heredoc writes its own file
            }
            words.addAll(List.of(text.split("\\s+")));
        }
        return words.size() < 2 ? List.of() : words.subList(0, words.size() - 1);
    }
}
