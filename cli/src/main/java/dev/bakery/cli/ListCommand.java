package dev.bakery.cli;

import dev.bakery.core.api.ApiModel;
import dev.bakery.cli.api.BakeryApi;
import dev.bakery.cli.output.OutputFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code bakery list}: recent builds, newest first. */
@Command(name = "list", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Lists recent builds, newest first.")
final class ListCommand implements Callable<Integer> {

    @ParentCommand
    BakeryCommand root;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "At most this many builds, 1 to 100 (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--status", paramLabel = "STATUS", description = "Only builds in this status: QUEUED, RUNNING, SUCCEEDED, FAILED or CANCELLED.")
    String status;

    @Option(names = "--next", paramLabel = "TOKEN", description = "Continue after a previous page (its `next`).")
    String next;

    @Mixin
    OutputOptions output;

    @Mixin
    EndpointOptions endpoint;

    @Override
    public Integer call() throws Exception {
        CliContext context = root.context();
        OutputFormat format = output.format(context);
        ApiModel.BuildList page = endpoint.api(context).list(limit, status, next);
        if (format == OutputFormat.JSON) {
            context.out().println(BakeryApi.JSON.writeValueAsString(page));
            return ExitCodes.OK;
        }
        for (ApiModel.BuildView build : page.builds()) {
            context.out().printf("%-60s %-10s %-20s %s%n", build.buildId(), build.status(), build.service(), build.createdAt());
        }
        if (page.next() != null) {
            context.out().println("more: bakery list --next " + page.next());
        }
        return ExitCodes.OK;
    }
}
