package dev.bakery.cli;

import dev.bakery.core.api.ApiModel;
import dev.bakery.cli.api.BakeryApi;
import dev.bakery.cli.follow.BuildFollower;
import dev.bakery.cli.follow.FollowListener;
import dev.bakery.cli.follow.LogReplay;
import dev.bakery.cli.output.Renderer;
import dev.bakery.core.live.LiveMessage;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code bakery logs ID [--follow]}: a build's stored lines, and with --follow the rest as they come. */
@Command(name = "logs", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Prints a build's log lines. With --follow, keeps printing until the build ends, then exits"
                + " 0 if it succeeded, 1 if not. Stopping `logs` never cancels the build.")
final class LogsCommand implements Callable<Integer> {

    @ParentCommand
    BakeryCommand root;

    @Parameters(paramLabel = "BUILD_ID", description = "The build, e.g. b-20261122T100000-1a2b3c4d-web.")
    String buildId;

    @Option(names = {"-f", "--follow"}, description = "Follow the build live until it ends.")
    boolean follow;

    @Mixin
    OutputOptions output;

    @Mixin
    EndpointOptions endpoint;

    @Override
    public Integer call() throws Exception {
        CliContext context = root.context();
        Renderer renderer = output.renderer(context);
        BakeryApi api = endpoint.api(context);
        ApiModel.BuildView view = api.build(buildId);
        FollowListener listener = renderer.build(view.service(), buildId, null, false);
        if (!follow) {
            new LogReplay(api, buildId).replay(listener::line);
            return ExitCodes.OK;
        }
        LiveMessage.Done done = new BuildFollower(api, context.follow()).follow(buildId, listener);
        return "SUCCEEDED".equals(done.status()) ? ExitCodes.OK : ExitCodes.BUILD_FAILED;
    }
}
