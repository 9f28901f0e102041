package dev.bakery.cli;

import dev.bakery.cli.plan.Plans;
import dev.bakery.core.BuildTask;
import dev.bakery.core.PlannedBuild;
import dev.bakery.core.Problem;
import dev.bakery.core.Resolution;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code bakery validate}: resolves like {@code build}, submits nothing, exits 2 on any error. */
@Command(name = "validate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Checks a config.yaml and/or compose file the way `bakery build` resolves it, without packing"
                + " or submitting. Every error is printed as file:line:column: key.path: message; exit 2 if there is any.")
final class ValidateCommand implements Callable<Integer> {

    @ParentCommand
    BakeryCommand root;

    @Mixin
    PlanOptions plan;

    @Override
    public Integer call() {
        CliContext context = root.context();
        Resolution resolution = Plans.resolve(plan.input(context));
        for (Problem warning : resolution.warnings()) {
            context.err().println("warning: " + warning.render());
        }
        for (PlannedBuild build : resolution.builds()) {
            context.out().println(build.plan().service() + ": " + build.plan().tasks().stream()
                    .map(t -> t.ociPlatform() + " on " + t.platform().key() + " → " + destinations(t))
                    .collect(Collectors.joining("; "))
                    + (build.plan().index() == null ? "" : "; index → " + build.plan().index().destinations().stream()
                            .map(Object::toString).collect(Collectors.joining(", "))));
        }
        context.out().println("valid: " + resolution.builds().size() + (resolution.builds().size() == 1 ? " build" : " builds"));
        return ExitCodes.OK;
    }

    private static String destinations(BuildTask task) {
        return task.destinations().isEmpty() ? "(no push)"
                : task.destinations().stream().map(Object::toString).collect(Collectors.joining(", "));
    }
}
