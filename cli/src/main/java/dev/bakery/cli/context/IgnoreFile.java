package dev.bakery.cli.context;

import dev.bakery.core.WorkspacePaths;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@code .dockerignore} file the way Docker does ({@code moby/patternmatcher/ignorefile.ReadAll}):
 * a UTF-8 BOM is dropped from the first line; a line starting with {@code #} is a comment (before any
 * trimming, so {@code " #x"} is a pattern); white space is trimmed; blank lines are skipped; the
 * pattern is cleaned like a path and a leading {@code /} is dropped, after an optional {@code !}.
 */
final class IgnoreFile {

    /** One pattern and the line it came from, for error messages. */
    record Line(int number, String pattern) {}

    private IgnoreFile() {}

    static List<Line> parse(byte[] content) {
        String text = new String(content, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<Line> patterns = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.endsWith("\r")) { // bufio.ScanLines drops one trailing CR
                line = line.substring(0, line.length() - 1);
            }
            if (line.startsWith("#")) {
                continue;
            }
            String pattern = GoPaths.trimSpace(line);
            if (pattern.isEmpty()) {
                continue;
            }
            boolean invert = pattern.charAt(0) == '!';
            if (invert) {
                pattern = GoPaths.trimSpace(pattern.substring(1));
            }
            if (!pattern.isEmpty()) {
                pattern = WorkspacePaths.clean(pattern);
                if (pattern.length() > 1 && pattern.charAt(0) == '/') {
                    pattern = pattern.substring(1);
                }
            }
            patterns.add(new Line(i + 1, invert ? "!" + pattern : pattern));
        }
        return patterns;
    }
}
