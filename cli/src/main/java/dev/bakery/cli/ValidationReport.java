package dev.bakery.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.cli.api.BakeryApi;
import dev.bakery.core.BakeryConfigException;
import dev.bakery.core.BuildTask;
import dev.bakery.core.PlannedBuild;
import dev.bakery.core.Problem;
import dev.bakery.core.Resolution;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code bakery validate -o json}: one document, valid or not. A class of its own so that the text form
 * never loads Jackson (start-up time).
 */
final class ValidationReport {

    private ValidationReport() {
    }

    static int print(CliContext context, Supplier<Resolution> resolve) {
        ObjectNode document = BakeryApi.JSON.createObjectNode();
        try {
            Resolution resolution = resolve.get();
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

    /** Each problem as {file, path, line, column, message}: what the text form prints as file:line:column: path: message. */
    private static void problems(ArrayNode into, List<Problem> problems) {
        for (Problem p : problems) {
            into.addObject().put("file", p.file()).put("path", p.path()).put("line", p.line()).put("column", p.column())
                    .put("message", p.message()).put("text", p.render());
        }
    }
}
