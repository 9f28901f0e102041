package dev.bakery.cli;

import dev.bakery.core.api.ApiModel;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code bakery cancel ID}. */
@Command(name = "cancel", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Cancels a build: its Step Functions execution is stopped, which stops its Fargate tasks."
                + " A build that has ended already keeps its final status.")
final class CancelCommand implements Callable<Integer> {

    @ParentCommand
    BakeryCommand root;

    @Parameters(paramLabel = "BUILD_ID", description = "The build to cancel.")
    String buildId;

    @Mixin
    EndpointOptions endpoint;

    @Override
    public Integer call() throws Exception {
        ApiModel.Cancelled cancelled = endpoint.api(root.context()).cancel(buildId);
        root.context().out().println(cancelled.buildId() + " " + cancelled.status());
        return ExitCodes.OK;
    }
}
