package dev.bakery.k8s;

import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import dev.bakery.aws.AwsClients;
import dev.bakery.registry.SecretsManagerSecrets;
import dev.bakery.store.BuildStore;
import dev.bakery.k8s.activity.Activities;
import dev.bakery.k8s.bridge.Bridge;
import dev.bakery.k8s.bridge.Launcher;
import dev.bakery.k8s.config.BridgeConfig;
import dev.bakery.k8s.config.Options;
import dev.bakery.k8s.health.HealthServer;
import dev.bakery.k8s.kube.Cluster;
import dev.bakery.k8s.kube.JobTemplate;
import dev.bakery.k8s.logs.BuildLogs;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** {@code java -jar bakery-k8s-bridge.jar}: wires the bridge from flags and environment, runs it until SIGTERM. */
public final class Main {

    /** Longer than GetActivityTask's 60 s long poll. */
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(70);

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Options options = new Options();
        CommandLine cli = Options.command(options, System.getenv());
        CommandLine.ParseResult parsed;
        try {
            parsed = cli.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            System.err.println(e.getMessage());
            e.getCommandLine().usage(System.err);
            System.exit(2);
            return;
        }
        if (CommandLine.printHelpIfRequested(parsed)) {
            return;
        }
        run(options);
    }

    private static void run(Options options) throws Exception {
        KubernetesClient kube = new KubernetesClientBuilder().build();
        String namespace = options.namespace() != null ? options.namespace() : kube.getNamespace();
        if (namespace == null) {
            throw new IllegalArgumentException("no namespace: give --namespace (BAKERY_NAMESPACE) or run in a pod");
        }
        BridgeConfig config = options.config(namespace);
        String region = config.agent().region();
        // One credentials chain (IRSA) and one HTTP client for every client.
        AwsClients aws = new AwsClients(Region.of(region), DefaultCredentialsProvider.builder().build(),
                UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(5)).socketTimeout(SOCKET_TIMEOUT).build(),
                AwsRetryStrategy::standardRetryStrategy);
        DynamoDbClient dynamo = aws.configure(DynamoDbClient.builder()).build();
        S3Presigner presigner = S3Presigner.builder().region(aws.region()).credentialsProvider(aws.credentials()).build();
        BuildStore store = new BuildStore(dynamo, config.table(), Clock.systemUTC());
        Cluster cluster = new Cluster(kube, namespace);
        Launcher launcher = new Launcher(store, cluster, new JobTemplate(config.agent(), namespace, config.bridgeName()),
                presigner, new SecretsManagerSecrets(aws.configure(SecretsManagerClient.builder()).build()),
                config.contextBucket(), config.timing().presignedUrl());
        Bridge bridge = new Bridge(config,
                new Activities(aws.configure(SfnClient.builder()).build()), launcher, cluster, store, new BuildLogs(aws.configure(CloudWatchLogsClient.builder()).build(), config.logGroup()),
                Clock.systemUTC());
        bridge.start();
        HealthServer health = new HealthServer(new InetSocketAddress(options.healthPort()), bridge::healthy);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            health.close();
            bridge.close();
            kube.close();
            presigner.close();
            dynamo.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }
}
