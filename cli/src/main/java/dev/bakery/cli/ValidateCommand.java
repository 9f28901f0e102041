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
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code bakery validate}: resolves like {@code build}, submits nothing, exits 2 on any error. */
@Command(name = "validate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Checks a config.yaml and/or compose file the way `bakery build` resolves it, without packing"
                + " or submitting. Every error is printed as file:line:column: key.path: message; exit 2 if there is any."
                + " With -o json, one document on stdout: {\"valid\", \"builds\":[{\"service\", \"tasks\":[{\"id\","
                + " \"platform\", \"runsOn\", \"destinations\"}], \"index\"}], \"errors\":[...], \"warnings\":[...]}.")
final class ValidateCommand implements Callable<Integer> {

    @ParentCommand
    BakeryCommand root;

    @Mixin
    PlanOptions plan;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
            description = "text (default) or json; default: json when env LOG_FORMAT is json.")
    String output;

    @Override
    public Integer call() {
        CliContext context = root.context();
        if (!json(context)) {
            return text(context, Plans.resolve(plan.input(context)));
        }
        return ValidationReport.print(context, () -> Plans.resolve(plan.input(context)));
    }

    private boolean json(CliContext context) {
        String chosen = output != null ? output : context.env().getOrDefault("LOG_FORMAT", "text");
        return switch (chosen.strip()) {
            case "json" -> true;
            case "text", "simple", "plain", "" -> false;
            default -> throw new UsageException((output != null ? "--output" : "LOG_FORMAT") + ": \"" + chosen
                    + "\" is not text or json");
        };
    }

    private static Integer text(CliContext context, Resolution resolution) {
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
