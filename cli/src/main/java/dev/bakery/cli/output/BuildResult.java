package dev.bakery.cli.output;

import dev.bakery.core.BuildPlan;
import dev.bakery.core.BuildTask;
import dev.bakery.core.live.LiveMessage;
import java.util.Optional;

/**
 * One submitted build as the CLI ends up knowing it.
 *
 * @param done     the final summary, or null when the build was not followed ({@code --detach})
 * @param timeline where its time went, or null when not followed
 * @param pricing  how its cost is estimated
 */
public record BuildResult(String service, BuildPlan plan, String buildId, String consoleUrl, LiveMessage.Done done,
        Timeline timeline, Pricing pricing) {

    public boolean succeeded() {
        return done != null && "SUCCEEDED".equals(done.status());
    }

    public String status() {
        return done == null ? "SUBMITTED" : done.status();
    }

    /** The image a user pulls: the index's digest for a multi-arch build, else the one task's. */
    public Optional<String> digest() {
        if (done == null) {
            return Optional.empty();
        }
        if (done.indexDigest() != null) {
            return Optional.of(done.indexDigest());
        }
        return plan.index() == null && done.tasks().size() == 1 ? Optional.ofNullable(done.tasks().getFirst().digest())
                : Optional.empty();
    }

    /** The plan's task of a summary line, if the plan has it. */
    public Optional<BuildTask> task(String taskId) {
        return plan.tasks().stream().filter(t -> t.id().equals(taskId)).findFirst();
    }

    /** The estimated cost of a task that ran on Fargate. */
    public Optional<Pricing.Estimate> estimate(LiveMessage.DoneTask task) {
        return task(task.taskId()).flatMap(t -> pricing.estimate(t, task.durationMs()));
    }

    /** The sum of the tasks' estimates, in USD. */
    public double estimatedUsd() {
        return done == null ? 0 : done.tasks().stream().flatMap(t -> estimate(t).stream()).mapToDouble(Pricing.Estimate::usd).sum();
    }
}
