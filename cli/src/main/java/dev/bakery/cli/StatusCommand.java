package dev.bakery.cli;

import dev.bakery.core.api.ApiModel;
import dev.bakery.cli.api.BakeryApi;
import dev.bakery.cli.output.OutputFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code bakery status ID}: the build and its tasks, now. */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Shows a build's status, its tasks (arch, status, digest, the Fargate task or Kubernetes Job"
                + " they run in) and its console link.")
final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    BakeryCommand root;

    @Parameters(paramLabel = "BUILD_ID", description = "The build, e.g. b-20261122T100000-1a2b3c4d-web.")
    String buildId;

    @Mixin
    OutputOptions output;

    @Mixin
    EndpointOptions endpoint;

    @Override
    public Integer call() throws Exception {
        CliContext context = root.context();
        OutputFormat format = output.format(context);
        ApiModel.BuildView view = endpoint.api(context).build(buildId);
        if (format == OutputFormat.JSON) {
            context.out().println(BakeryApi.JSON.writeValueAsString(view));
            return ExitCodes.OK;
        }
        context.out().println(view.buildId() + "  " + view.status() + "  service " + view.service());
        context.out().println("created " + view.createdAt() + ", updated " + view.updatedAt() + ", by " + view.requester());
        if (view.index() != null) {
            context.out().println("index " + view.index() + (view.indexDigest() == null ? "" : "@" + view.indexDigest()));
        }
        if (view.error() != null) {
            context.out().println("error: " + view.error());
        }
        for (ApiModel.TaskView task : view.tasks()) {
            context.out().println("  " + task.taskId() + "  " + task.status()
                    + (task.imageDigest() == null ? "" : "  " + task.imageDigest())
                    + (task.error() == null ? "" : "  " + task.error())
                    + (task.runner() == null ? "" : "  on " + task.runner()));
        }
        if (view.consoleUrl() != null) {
            context.out().println(view.consoleUrl());
        }
        return ExitCodes.OK;
    }
}
