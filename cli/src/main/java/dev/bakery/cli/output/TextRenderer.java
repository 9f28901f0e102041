package dev.bakery.cli.output;

import dev.bakery.cli.follow.FollowListener;
import dev.bakery.core.BuildPlan;
import dev.bakery.core.BuildTask;
import dev.bakery.core.live.LiveMessage;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code simple}: {@code [ecs][amd64] build: STEP 1/3 ...}, one colour per task on a terminal;
 * {@code plain}: the same never coloured, with the agent's time and level first, for log files.
 * Whatever a build sent (lines, statuses, ids) is {@linkplain TerminalText#strip stripped} of control
 * sequences before the renderer adds its own colours.
 */
final class TextRenderer implements Renderer {

    private static final String RESET = "\u001b[0m";
    private static final String RED = "\u001b[31m";
    private static final String BOLD = "\u001b[1m";
    /** Cyan, magenta, yellow, green, blue, then their bright forms; red is kept for errors. */
    private static final String[] PALETTE = {"\u001b[36m", "\u001b[35m", "\u001b[33m", "\u001b[32m", "\u001b[34m",
        "\u001b[96m", "\u001b[95m", "\u001b[93m", "\u001b[92m", "\u001b[94m"};
    /** picocli's help styles besides those: its parameters are italic. */
    private static final String ITALIC = "\u001b[3m";
    /** Every escape sequence the CLI prints: the only ones {@link TerminalText#guard} lets through. */
    static final Set<String> COLOURS = Stream.concat(Stream.of(RESET, RED, BOLD, ITALIC), Arrays.stream(PALETTE))
            .collect(Collectors.toUnmodifiableSet());

    private final PrintStream out;
    private final boolean colour;
    private final boolean detailed;
    private final Map<String, String> colours = new HashMap<>();

    TextRenderer(PrintStream out, boolean colour, boolean detailed) {
        this.out = out;
        this.colour = colour;
        this.detailed = detailed;
    }

    @Override
    public synchronized void info(String text) {
        out.println(TerminalText.strip(text));
    }

    @Override
    public synchronized void submitted(String service, String buildId, String consoleUrl) {
        out.println(TerminalText.strip("submitted " + service + ": " + buildId + (consoleUrl == null ? "" : " " + consoleUrl)));
    }

    @Override
    public FollowListener build(String service, String buildId, BuildPlan plan, boolean showService) {
        return new FollowListener() {
            @Override
            public void line(LiveMessage.Line line) {
                String prefix = prefix(service, showService, plan, line.taskId(), line.arch());
                String step = line.step() == null ? "" : TerminalText.oneLine(line.step()) + ": ";
                boolean error = "error".equalsIgnoreCase(line.level());
                String msg = line.msg() == null ? "" : TerminalText.strip(line.msg());
                String head = detailed ? TerminalText.oneLine((line.ts() == null ? "" : line.ts() + " ")
                        + (line.level() == null ? "" : line.level().toUpperCase(java.util.Locale.ROOT) + " ")) : "";
                print(head + paint(prefix, service, line.taskId()) + step + (error && colour ? RED + msg + RESET : msg));
            }

            @Override
            public void status(LiveMessage.Status status) {
                if (status.taskId() == null) {
                    print(TerminalText.strip((showService ? "[" + service + "] " : "") + "build " + buildId + " " + status.status()));
                    return;
                }
                String prefix = prefix(service, showService, plan, status.taskId(), status.arch());
                print(paint(prefix, service, status.taskId()) + TerminalText.strip(status.status()
                        + (status.imageDigest() == null ? "" : " " + status.imageDigest())));
            }

            @Override
            public void notice(String text) {
                print(TerminalText.strip((showService ? "[" + service + "] " : "") + "bakery: " + text));
            }
        };
    }

    @Override
    public synchronized void summary(List<BuildResult> results) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"SERVICE", "ARCH", "STATUS", "DIGEST", "DURATION", "COST"});
        double total = 0;
        for (BuildResult result : results) {
            if (result.done() == null) {
                rows.add(new String[] {result.service(), "-", result.status(), "-", "-", "-"});
                continue;
            }
            for (LiveMessage.DoneTask task : result.done().tasks()) {
                rows.add(new String[] {result.service(), task.arch() + (task.arch().equals(task.taskId()) ? "" : " (" + task.taskId() + ")"),
                        task.status(), task.digest() == null ? "-" : task.digest(), duration(task.durationMs()),
                        result.estimate(task).map(e -> Pricing.usd(e.usd()) + (e.spot() ? " spot" : "")).orElse("-")});
            }
            if (result.done().indexDigest() != null) {
                rows.add(new String[] {result.service(), "index", result.done().status(), result.done().indexDigest(), "", ""});
            }
            total += result.estimatedUsd();
        }
        int[] widths = new int[6];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], TerminalText.oneLine(row[i]).length());
            }
        }
        out.println();
        for (int r = 0; r < rows.size(); r++) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                String cell = TerminalText.oneLine(rows.get(r)[i]);
                line.append(i == widths.length - 1 ? cell : String.format("%-" + (widths[i] + 2) + "s", cell));
            }
            String text = line.toString().stripTrailing();
            out.println(colour && r == 0 ? BOLD + text + RESET : text);
        }
        if (!results.isEmpty()) {
            out.println("estimated cost: " + Pricing.usd(total) + " (" + results.getFirst().pricing().describe() + "; docs/cost.md)");
        }
    }

    private synchronized void print(String text) {
        out.println(text);
    }

    private static String prefix(String service, boolean showService, BuildPlan plan, String taskId, String arch) {
        StringBuilder prefix = new StringBuilder();
        if (showService) {
            prefix.append('[').append(service).append(']');
        }
        if (plan != null && taskId != null) {
            plan.tasks().stream().filter(t -> t.id().equals(taskId)).findFirst().map(BuildTask::platform)
                    .ifPresent(p -> prefix.append('[').append(p.key()).append(']'));
        }
        String shown = taskId != null ? taskId : arch;
        if (shown != null) {
            prefix.append('[').append(shown).append(']');
        }
        return prefix.isEmpty() ? "" : TerminalText.oneLine(prefix.toString()) + " ";
    }

    private synchronized String paint(String prefix, String service, String taskId) {
        if (!colour || prefix.isEmpty()) {
            return prefix;
        }
        String c = colours.computeIfAbsent(service + "/" + taskId, k -> PALETTE[colours.size() % PALETTE.length]);
        return c + prefix.stripTrailing() + RESET + " ";
    }

    static String duration(Long millis) {
        if (millis == null) {
            return "-";
        }
        Duration d = Duration.ofMillis(millis);
        if (d.toMinutes() == 0) {
            return String.format("%.1fs", millis / 1000.0);
        }
        return (d.toHours() > 0 ? d.toHours() + "h" : "") + d.toMinutesPart() + "m" + d.toSecondsPart() + "s";
    }
}
