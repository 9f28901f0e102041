package dev.bakery.cli.output;

import dev.bakery.cli.follow.FollowListener;
import dev.bakery.core.BuildPlan;
import java.io.PrintStream;
import java.util.List;

/**
 * How the CLI shows a run: its own messages, each build's lines and statuses, and the summary.
 * Thread-safe: with {@code --async} several builds print at once, a line at a time.
 */
public interface Renderer {

    static Renderer of(OutputFormat format, PrintStream out, boolean colour) {
        return switch (format) {
            case SIMPLE -> new TextRenderer(out, colour, false);
            case PLAIN -> new TextRenderer(out, false, true);
            case JSON -> new JsonRenderer(out);
        };
    }

    /** A message of the CLI itself (packing, uploading, submitting). */
    void info(String text);

    void submitted(String service, String buildId, String consoleUrl);

    /**
     * Where one build's lines and statuses go.
     *
     * @param plan        the build's plan, for each task's platform; null when unknown ({@code bakery logs})
     * @param showService whether lines name their service (several builds in one run)
     */
    FollowListener build(String service, String buildId, BuildPlan plan, boolean showService);

    /** The final table (or objects): one row per task of every build. */
    void summary(List<BuildResult> results);
}
