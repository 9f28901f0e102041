package dev.bakery.cli.plan;

import dev.bakery.core.Arch;
import dev.bakery.core.BuildPlan;
import dev.bakery.core.BuildTask;
import dev.bakery.core.IndexPlan;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code --platform}: keeps the plan's tasks of the requested architectures. Naming follows core's
 * rules for what is left: one image is pushed straight to the index's destinations (no {@code _arch}
 * suffix, no index); several keep their per-arch tags and an index of just them.
 */
final class PlatformSelection {

    private PlatformSelection() {
    }

    /** @throws IllegalArgumentException when the plan has no task of a requested arch */
    static BuildPlan select(BuildPlan plan, Set<Arch> archs) {
        Set<Arch> planned = plan.tasks().stream().map(BuildTask::arch).collect(Collectors.toSet());
        List<Arch> missing = archs.stream().filter(a -> !planned.contains(a)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(plan.service() + " has no " + names(missing) + " build (its config builds "
                    + names(plan.tasks().stream().map(BuildTask::arch).distinct().toList())
                    + "); add the arch to the config or leave it out of --platform");
        }
        List<BuildTask> kept = plan.tasks().stream().filter(t -> archs.contains(t.arch())).toList();
        if (kept.size() == plan.tasks().size()) {
            return plan;
        }
        if (kept.size() > 1) {
            return new BuildPlan(plan.service(), kept, plan.index() == null ? null : new IndexPlan(plan.index().destinations(), plan.index().format(),
                    kept.stream().map(BuildTask::id).toList()));
        }
        BuildTask t = kept.getFirst();
        BuildTask alone = new BuildTask(t.id(), t.platform(), t.arch(), t.variant(), t.resources(), t.timeoutSeconds(),
                t.spot(), t.env(), t.preScript(), t.postScript(), t.kaniko(),
                plan.index() == null ? t.destinations() : plan.index().destinations(),
                t.credentials(), t.imagePullCredentials(), t.secrets());
        return new BuildPlan(plan.service(), List.of(alone), null);
    }

    private static String names(List<Arch> archs) {
        return archs.stream().map(a -> "linux/" + a.key()).collect(Collectors.joining(", "));
    }
}
