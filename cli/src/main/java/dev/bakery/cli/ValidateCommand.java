package dev.bakery.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.cli.api.BakeryApi;
import dev.bakery.cli.plan.Plans;
import dev.bakery.core.BakeryConfigException;
import dev.bakery.core.BuildTask;
import dev.bakery.core.PlannedBuild;
import dev.bakery.core.Problem;
import dev.bakery.core.Resolution;
import java.util.List;
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
        ObjectNode document = BakeryApi.JSON.createObjectNode();
        try {
            Resolution resolution = Plans.resolve(plan.input(context));
            document.put("valid", true);
            ArrayNode builds = document.putArray("builds");
            for (PlannedBuild build : resolution.builds()) {
                ObjectNode item = builds.addObject().put("service", build.plan().service());
                ArrayNode tasks = item.putArray("tasks");
                for (BuildTask task : build.plan().tasks()) {
                    ArrayNode destinations = tasks.addObject().put("id", task.id()).put("platform", task.ociPlatform())
                            .put("runsOn", task.platform().key()).putArray("destinations");
                    task.destinations().forEach(d -> destinations.add(d.toString()));
                }
                if (build.plan().index() == null) {
                    item.putNull("index");
                } else {
                    ArrayNode index = item.putArray("index");
                    build.plan().index().destinations().forEach(d -> index.add(d.toString()));
                }
            }
            document.putArray("errors");
            problems(document.putArray("warnings"), resolution.warnings());
            context.out().println(document.toString());
            return ExitCodes.OK;
        } catch (BakeryConfigException e) {
            document.put("valid", false);
            document.putArray("builds");
            problems(document.putArray("errors"), e.problems());
            problems(document.putArray("warnings"), e.warnings());
            context.out().println(document.toString());
            return ExitCodes.USAGE;
        }
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

    /** Each problem as {file, path, line, column, message}: what the text form prints as file:line:column: path: message. */
    private static void problems(ArrayNode into, List<Problem> problems) {
        for (Problem p : problems) {
            into.addObject().put("file", p.file()).put("path", p.path()).put("line", p.line()).put("column", p.column())
                    .put("message", p.message()).put("text", p.render());
        }
    }

    private static String destinations(BuildTask task) {
        return task.destinations().isEmpty() ? "(no push)"
                : task.destinations().stream().map(Object::toString).collect(Collectors.joining(", "));
    }
}
