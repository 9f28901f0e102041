package dev.bakery.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.PlanJson;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.PlannedBuild;
import dev.bakery.core.SourceFile;
import dev.bakery.functions.aws.LoopbackAws;
import dev.bakery.functions.contexts.ContextService;
import dev.bakery.functions.testing.ApiHarness;
import dev.bakery.functions.testing.LocalDynamo;
import dev.bakery.functions.testing.LocalDynamoServer;
import dev.bakery.functions.testing.LocalS3;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Cold start of the REST API Lambda: a fresh JVM per run on the shaded jar, against the local
 * emulators (DynamoDB Local over loopback HTTP, S3Proxy, the loopback AWS fake). Compares JVM
 * settings side by side and prints each against the targets (init + first request under 1.5 s,
 * jar under 20 MiB) as ratios.
 */
public final class ColdStartBench {

    private static final int RUNS = 5;
    private static final double TARGET_MS = 1500;
    private static final double TARGET_JAR_MIB = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * JVM settings compared: the JDK's default, what Lambda's java21 runtime uses (C1 only), and that
     * plus an AppCDS archive of the handler's classes, which the first run of the variant writes
     * (the others read it), as a deployment package could ship it.
     */
    private static Map<String, List<String>> variants(Path cds) {
        return Map.of(
                "1 default JIT", List.of(),
                "2 C1 only (Lambda default)", List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"),
                "3 C1 + AppCDS archive", List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                        "-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + cds));
    }

    private ColdStartBench() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        Path probeClasses = Path.of(args[1]); // a jar: CDS archives only classes from jars
        try (LocalDynamoServer dynamo = LocalDynamoServer.start();
                LocalS3 s3 = LocalS3.start(LoopbackAws.ACCESS_KEY, LoopbackAws.SECRET_KEY);
                LoopbackAws aws = LoopbackAws.start()) {
            s3.client().createBucket(r -> r.bucket(ApiHarness.BUCKET));
            aws.logGroup(ApiHarness.LOG_GROUP);
            String stateMachine = aws.stateMachine(ApiHarness.REGION, "bakery-build");
            String context = ContextService.key("f".repeat(64));
            s3.client().putObject(r -> r.bucket(ApiHarness.BUCKET).key(context), RequestBody.fromString("context"));
            Path body = Files.createTempFile("submit", ".json");
            Files.writeString(body, submitBody(context));

            Map<String, String> env = new HashMap<>(Map.of(
                    "AWS_REGION", ApiHarness.REGION, "AWS_ACCESS_KEY_ID", LoopbackAws.ACCESS_KEY,
                    "AWS_SECRET_ACCESS_KEY", LoopbackAws.SECRET_KEY,
                    "AWS_ENDPOINT_URL_DYNAMODB", dynamo.endpoint().toString(),
                    "AWS_ENDPOINT_URL_S3", s3.endpoint().toString(), "AWS_ENDPOINT_URL", aws.endpoint().toString(),
                    "TABLE_NAME", LocalDynamo.TABLE, "CONTEXT_BUCKET", ApiHarness.BUCKET, "STATE_MACHINE_ARN", stateMachine,
                    "LOG_GROUP", ApiHarness.LOG_GROUP));
            env.put("TASK_DEFINITION_AMD64", ApiHarness.TASK_DEFINITIONS.get(dev.bakery.core.Arch.AMD64));
            env.put("TASK_DEFINITION_ARM64", ApiHarness.TASK_DEFINITIONS.get(dev.bakery.core.Arch.ARM64));
            env.put("BAKERY_S3_PATH_STYLE", "true");
            env.put("AWS_EMF_ENVIRONMENT", "Local"); // metrics to stdout, where the probe's output is checked

            double jarMiB = Files.size(jar) / (1024.0 * 1024.0);
            System.out.println();
            System.out.println("Cold start of the REST API handler (" + RUNS + " fresh JVMs each, medians)");
            System.out.printf("%-26s %10s %10s %10s %10s %12s%n", "JVM (median of " + RUNS + ")", "jvm->main", "init", "1st req", "total",
                    "vs 1.5 s");
            Path cds = Files.createTempDirectory("cds").resolve("bakery-functions.jsa");
            for (Map.Entry<String, List<String>> variant : new java.util.TreeMap<>(variants(cds)).entrySet()) {
                List<JsonNode> runs = new ArrayList<>();
                for (int i = 0; i < RUNS; i++) {
                    runs.add(probe(jar, probeClasses, body, env, variant.getValue()));
                }
                double init = median(runs, "initMs");
                double first = median(runs, "firstRequestMs");
                System.out.printf("%-26s %8.0fms %8.0fms %8.0fms %8.0fms %11.2fx%n", variant.getKey().substring(2),
                        median(runs, "jvmToMainMs"), init, first, init + first, (init + first) / TARGET_MS);
            }
            System.out.printf("Lambda jar %s: %.1f MiB, %.2fx of the 20 MiB target%n", jar.getFileName(), jarMiB,
                    jarMiB / TARGET_JAR_MIB);
        }
    }

    private static String submitBody(String context) throws Exception {
        PlannedBuild build = BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml", """
                global:
                  kaniko-credentials: [{registry: registry.example.com, username: bench, password: bench-password}]
                  kaniko: {destination: "registry.example.com/bench/app:1"}
                bake: [{arch: amd64}, {arch: arm64}]
                """))).builds().getFirst();
        ObjectNode body = JSON.createObjectNode();
        body.put("context", context);
        body.set("plan", JSON.readTree(PlanJson.write(build.plan())));
        body.set("inlinePasswords", JSON.valueToTree(build.inlinePasswords()));
        return body.toString();
    }

    private static JsonNode probe(Path jar, Path probeClasses, Path body, Map<String, String> env, List<String> flags)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(flags);
        command.addAll(List.of("-cp", jar + File.pathSeparator + probeClasses, ColdStartProbe.class.getName(), body.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("the probe failed: " + out);
        }
        JsonNode result = JSON.readTree(out.lines().filter(l -> l.startsWith("{\"jvmToMainMs\"")).findFirst()
                .orElseThrow(() -> new IllegalStateException("the probe printed no timings: " + out)));
        if (!out.contains("\"BuildsSubmitted\"")) {
            throw new IllegalStateException("the handler emitted no BuildsSubmitted metric: " + out);
        }
        if (result.path("status").asInt() != 202) {
            throw new IllegalStateException("the probe's request was answered " + result.path("status") + ": " + out);
        }
        return result;
    }

    private static double median(List<JsonNode> runs, String field) {
        double[] values = runs.stream().mapToDouble(r -> r.path(field).asDouble()).sorted().toArray();
        return values[values.length / 2];
    }
}
