package dev.bakery.functions.handler;

import dev.bakery.aws.AwsClients;
import dev.bakery.functions.aws.BuildSecrets;
import dev.bakery.functions.aws.LogEvents;
import dev.bakery.testing.LoopbackAws;
import dev.bakery.functions.aws.StepFunctions;
import dev.bakery.functions.live.ApiGatewayConnections;
import dev.bakery.registry.EcrAuthorizationTokens;
import dev.bakery.registry.EcrHost;
import dev.bakery.registry.SecretsManagerSecrets;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Run by {@link LambdaJarAwsCallsIT} in a fresh JVM on the Lambda jar: every AWS operation the
 * functions call, through the jar's (trimmed) SDK, against the loopback servers named in the arguments.
 */
public final class LambdaJarAwsProbe {

    public static void main(String[] args) {
        URI aws = URI.create(args[0]);
        URI api = URI.create(args[1]);
        String machine = args[2];
        AwsClients clients = LoopbackAws.clients("eu-west-1");

        StepFunctions sfn = new StepFunctions(clients.configure(SfnClient.builder()).endpointOverride(aws).build());
        String execution = sfn.startExecution(machine, "b-probe", "{\"buildId\":\"b-probe\"}");
        sfn.stopExecution(execution, "Bakery.Cancelled", "probe");
        System.out.println("execution " + sfn.executionStatus(execution));

        SecretsManagerClient secretsManager = clients.configure(SecretsManagerClient.builder()).endpointOverride(aws).build();
        BuildSecrets secrets = new BuildSecrets(secretsManager);
        secrets.create("bakery/builds/b-probe", "{\"k0\":\"pw\"}", Map.of("bakery:build-id", "b-probe"));
        System.out.println("secret " + new SecretsManagerSecrets(secretsManager).secretString("bakery/builds/b-probe"));
        secrets.delete("bakery/builds/b-probe");
        secrets.delete("bakery/builds/old"); // marked for deletion: DescribeSecret tells

        LogEvents logs = new LogEvents(clients.configure(CloudWatchLogsClient.builder()).endpointOverride(aws).build());
        System.out.println("log " + logs.filterByBuild("/bakery/builds", "b-probe", 0, null, 10).events().get(0).message());

        EcrClient ecr = clients.configure(EcrClient.builder()).endpointOverride(aws).build();
        EcrHost host = EcrHost.parse("123456789012.dkr.ecr.eu-west-1.amazonaws.com").orElseThrow();
        System.out.println("ecr " + new EcrAuthorizationTokens(h -> ecr, Clock.systemUTC()).loginFor(host).orElseThrow().username());

        new ApiGatewayConnections(api, LoopbackAws.clients(LoopbackAws.API_REGION)).post("c-probe", "frame");
        System.out.println("posted");
    }
}
