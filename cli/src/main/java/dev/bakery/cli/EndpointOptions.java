package dev.bakery.cli;

import dev.bakery.cli.api.BakeryApi;
import dev.bakery.cli.api.EndpointResolver;
import dev.bakery.cli.api.Transport;
import picocli.CommandLine.Option;

/** Where the API is: the same flags on every command that calls it. */
final class EndpointOptions {

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "The REST API's URL (env BAKERY_ENDPOINT), or `local` for the local mode's (endpoint.json in"
                    + " BAKERY_LOCAL_DIR, default ~/.bakery/local), signed with the run's keys from that file; anything"
                    + " else is signed with SigV4 from the default AWS credential chain.")
    String endpoint;

    @Option(names = "--ws-endpoint", paramLabel = "URL",
            description = "The WebSocket API's URL (env BAKERY_WS_ENDPOINT); default: the stack's, or ws://127.0.0.1:PORT/ws"
                    + " for a local endpoint. Without one, builds are followed by polling.")
    String wsEndpoint;

    @Option(names = "--stack", paramLabel = "NAME",
            description = "A deployed Bakery stack: its CloudFormation outputs RestApiUrl and WebSocketUrl give the endpoints.")
    String stack;

    @Option(names = "--region", paramLabel = "REGION",
            description = "AWS region of --stack or of a custom-domain endpoint (default: AWS_REGION, then the profile's).")
    String region;

    @Option(names = "--profile", paramLabel = "NAME", description = "AWS profile for credentials and region (default: AWS_PROFILE, then default).")
    String profile;

    BakeryApi api(CliContext context) throws InterruptedException {
        Transport transport = new Transport(Transport.defaultClient(), Transport.Retry.STANDARD);
        return new BakeryApi(new EndpointResolver(context.env(), context.home())
                .resolve(new EndpointResolver.Settings(endpoint, wsEndpoint, stack, region, profile)), transport);
    }
}
