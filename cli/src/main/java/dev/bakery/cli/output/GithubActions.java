package dev.bakery.cli.output;

import dev.bakery.core.live.LiveMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * On GitHub Actions ({@code GITHUB_ACTIONS=true}): step outputs in {@code $GITHUB_OUTPUT} and a
 * Markdown summary in {@code $GITHUB_STEP_SUMMARY}. Outputs per service {@code <service>-digest},
 * {@code <service>-build-id}, {@code <service>-<task>-digest}; with one service also plain
 * {@code digest}, {@code build-id} and {@code <task>-digest}, so a workflow reads
 * {@code steps.bake.outputs.digest}.
 */
public final class GithubActions {

    private GithubActions() {
    }

    public static boolean active(Map<String, String> env) {
        return "true".equals(env.get("GITHUB_ACTIONS"));
    }

    /** Appends outputs and summary; either file may be unset, then it is skipped. */
    public static void write(Map<String, String> env, List<BuildResult> results) throws IOException {
        String outputs = env.get("GITHUB_OUTPUT");
        if (outputs != null && !outputs.isBlank()) {
            append(Path.of(outputs), outputs(results));
        }
        String summary = env.get("GITHUB_STEP_SUMMARY");
        if (summary != null && !summary.isBlank()) {
            append(Path.of(summary), summary(results));
        }
    }

    static String outputs(List<BuildResult> results) {
        StringBuilder out = new StringBuilder();
        boolean single = results.size() == 1;
        for (BuildResult result : results) {
            String service = name(result.service());
            result.digest().map(TerminalText::oneLine).ifPresent(d -> {
                out.append(service).append("-digest=").append(d).append('\n');
                if (single) {
                    out.append("digest=").append(d).append('\n');
                }
            });
            String buildId = TerminalText.oneLine(result.buildId());
            out.append(service).append("-build-id=").append(buildId).append('\n');
            if (single) {
                out.append("build-id=").append(buildId).append('\n');
            }
            if (result.done() != null) {
                for (LiveMessage.DoneTask task : result.done().tasks()) {
                    if (task.digest() != null) {
                        String digest = TerminalText.oneLine(task.digest());
                        out.append(service).append('-').append(name(task.taskId())).append("-digest=").append(digest).append('\n');
                        if (single) {
                            out.append(name(task.taskId())).append("-digest=").append(digest).append('\n');
                        }
                    }
                }
            }
        }
        return out.toString();
    }

    static String summary(List<BuildResult> results) {
        StringBuilder out = new StringBuilder("### Bakery\n\n| service | arch | status | digest | duration | est. cost |\n"
                + "|---|---|---|---|---|---|\n");
        double total = 0;
        for (BuildResult result : results) {
            String link = result.consoleUrl() == null ? cell(result.buildId())
                    : "[" + cell(result.buildId()) + "](" + cell(result.consoleUrl()) + ")";
            String service = cell(result.service());
            if (result.done() == null) {
                out.append("| ").append(service).append(" | | ").append(cell(result.status())).append(" | | | |\n");
                continue;
            }
            for (LiveMessage.DoneTask task : result.done().tasks()) {
                out.append("| ").append(service).append(" | ").append(cell(task.arch())).append(" | ")
                        .append(icon(task.status())).append(cell(task.status())).append(" | ")
                        .append(task.digest() == null ? "" : "`" + cell(task.digest()).replace("`", "") + "`").append(" | ")
                        .append(TextRenderer.duration(task.durationMs())).append(" | ")
                        .append(result.estimate(task).map(e -> Pricing.usd(e.usd()) + " " + e.pricing()).orElse("")).append(" |\n");
            }
            if (result.done().indexDigest() != null) {
                out.append("| ").append(service).append(" | index | ").append(icon(result.status()))
                        .append(cell(result.status())).append(" | `").append(cell(result.done().indexDigest()).replace("`", ""))
                        .append("` | | |\n");
            }
            total += result.estimatedUsd();
            out.append('\n').append("Build ").append(link).append(": ").append(cell(MetadataFile.imageNames(result)))
                    .append("\n\n");
            if (result.timeline() != null) {
                out.append(gantt(result));
            }
        }
        if (!results.isEmpty()) {
            out.append("Estimated cost: **").append(Pricing.usd(total)).append("** (").append(results.getFirst().pricing().describe())
                    .append(")\n\n");
        }
        return out.toString();
    }

    /**
     * A Mermaid gantt of the build: one section per task (queue, start, build, push) and the index, in
     * milliseconds since the build was submitted (GitHub renders {@code mermaid} blocks in step summaries).
     */
    static String gantt(BuildResult result) {
        StringBuilder out = new StringBuilder("```mermaid\ngantt\n    title ").append(TerminalText.oneLine(result.service()))
                .append(" (").append(TerminalText.oneLine(result.buildId())).append(")\n    dateFormat x\n    axisFormat %M:%S\n");
        long origin = result.timeline().submitted().toEpochMilli();
        String lane = null;
        for (Timeline.Phase phase : result.timeline().phases()) {
            if (!phase.lane().equals(lane)) {
                lane = phase.lane();
                out.append("    section ").append(lane).append('\n');
            }
            long start = phase.start().toEpochMilli() - origin;
            long end = phase.end().toEpochMilli() - origin;
            out.append("    ").append(phase.name()).append(" ").append(TextRenderer.duration(phase.millis()))
                    .append(" : ").append(start).append(", ").append(end).append('\n');
        }
        return out.append("```\n\n").toString();
    }

    private static String icon(String status) {
        return "SUCCEEDED".equals(status) ? "✅ " : "FAILED".equals(status) ? "❌ " : "";
    }

    /** A table cell's text: one line without control characters, its {@code |} escaped. */
    private static String cell(String text) {
        return TerminalText.oneLine(text).replace("|", "\\|");
    }

    /** Output names are letters, digits, {@code -} and {@code _}. */
    private static String name(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "_");
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
