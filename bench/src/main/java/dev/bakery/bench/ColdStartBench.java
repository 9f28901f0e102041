package dev.bakery.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.PlanJson;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.PlannedBuild;
import dev.bakery.core.SourceFile;
import dev.bakery.cdk.LambdaJvm;
import dev.bakery.testing.LoopbackAws;
import dev.bakery.functions.contexts.ContextService;
import dev.bakery.functions.testing.ApiHarness;
import dev.bakery.store.testing.LocalDynamo;
import dev.bakery.testing.LocalS3;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Cold start of the REST API Lambda: a fresh JVM per run on the shaded jar, against the local
 * emulators (dynalite over loopback HTTP, S3Proxy, the loopback AWS fake). Compares JVM
 * settings side by side and prints each against the targets (init + first request under 1.5 s,
 * jar under 20 MiB) as ratios.
 *
 * <p>The machine is shared, so wall times move with its load: the variants take turns run by run
 * (not one block each), medians are printed, and so are numbers the load barely moves: the CPU
 * time the process used (in all, and on the main thread during init) and the classes it loaded. With
 * {@code -Dbench.compare=a.jar,b.jar} every variant also runs on those jars, in the same turns, to
 * compare a change with what it replaces.
 */
public final class ColdStartBench {

    private static final int RUNS = Integer.getInteger("bench.runs", 5);
    private static final double TARGET_MS = 1500;
    private static final double TARGET_JAR_MIB = 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** {@code -Dbench.jvmArgs="-Xlog:class+load:file=/tmp/classes.txt"}: added to every probe, to look inside one. */
    private static final List<String> EXTRA_JVM_ARGS = System.getProperty("bench.jvmArgs", "").isBlank() ? List.of()
            : List.of(System.getProperty("bench.jvmArgs").strip().split("\\s+"));
    /**
     * The functions' JAVA_TOOL_OPTIONS as the CDK app sets them, with the heap sized as in their
     * 1,024 MB sandbox rather than from this machine's memory (what Lambda's JVM sees).
     */
    private static final List<String> C1 = Stream.concat(Arrays.stream(LambdaJvm.JAVA_TOOL_OPTIONS.split(" ")),
            Stream.of("-XX:MaxRAM=1024m")).toList();

    /**
     * One way to start the handler.
     *
     * @param snapStart the handler is told it runs a SnapStart init (AWS_LAMBDA_INITIALIZATION_TYPE),
     *                  so it primes its code paths there; only the first request counts then
     * @param extracted the classes are read from the jar unpacked into a directory, as Lambda runs a
     *                  jar deployment package (unpacked into /var/task, which is on the classpath), rather
     *                  than from the jar itself (every class inflated as it loads)
     */
    private record Variant(String name, List<String> flags, boolean snapStart, boolean extracted) {
    }

    /**
     * JVM settings compared: the JDK's default, the functions' flags (C1 only) on the jar and on the
     * jar unpacked as Lambda unpacks it, the flags plus an AppCDS archive of the handler's classes
     * (written by an untimed run first, as a deployment package could ship it; CDS archives classes
     * from jars only), and a SnapStart stand-in: init with priming, then the first request in the same
     * JVM. A snapshot restore cannot be emulated here (no CRaC JVM, no Firecracker), so that row leaves
     * out the restore, which Lambda adds to every SnapStart cold start.
     */
    private static List<Variant> variants(Path cds) {
        List<String> appCds = new ArrayList<>(C1);
        appCds.addAll(List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + cds));
        return List.of(new Variant("default JIT", List.of(), false, false),
                new Variant("C1 (the functions' JAVA_TOOL_OPTIONS)", C1, false, false),
                new Variant("C1, unpacked as in Lambda's /var/task", C1, false, true),
                new Variant("C1 + AppCDS archive", appCds, false, false),
                new Variant("C1, unpacked, SnapStart-like (primed)", C1, true, true));
    }

    private ColdStartBench() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        Path probeClasses = Path.of(args[1]); // a jar: CDS archives only classes from jars
        Map<String, Path> jars = new LinkedHashMap<>();
        jars.put("", jar);
        for (String other : System.getProperty("bench.compare", "").split(",")) {
            if (!other.isBlank()) {
                jars.put(" [" + Path.of(other).getFileName() + "]", Path.of(other));
            }
        }
        try (LocalDynamo dynamo = LocalDynamo.start();
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

            Path scratch = Files.createTempDirectory("cold-start");
            Map<String, Variant> rows = new LinkedHashMap<>();
            Map<String, Path> rowCode = new LinkedHashMap<>();
            for (Map.Entry<String, Path> j : jars.entrySet()) {
                Path unpacked = unpack(j.getValue(), scratch.resolve("task-" + rowCode.size()));
                for (Variant variant : variants(scratch.resolve(rowCode.size() + ".jsa"))) {
                    Path code = variant.extracted() ? unpacked : j.getValue();
                    rows.put(variant.name() + j.getKey(), variant);
                    rowCode.put(variant.name() + j.getKey(), code);
                    if (variant.flags().contains("-XX:+AutoCreateSharedArchive")) {
                        probe(code, probeClasses, body, env, variant); // writes the archive, untimed
                    }
                }
            }
            Map<String, List<JsonNode>> results = new LinkedHashMap<>();
            long[] cpuBefore = cpuTicks();
            for (int i = 0; i < RUNS; i++) {
                for (Map.Entry<String, Variant> row : rows.entrySet()) {
                    results.computeIfAbsent(row.getKey(), k -> new ArrayList<>())
                            .add(probe(rowCode.get(row.getKey()), probeClasses, body, env, row.getValue()));
                }
            }
            long[] cpuAfter = cpuTicks();
            System.out.println();
            System.out.println("Cold start of the REST API handler: init + first POST /builds, " + RUNS
                    + " fresh JVMs per row, taking turns; medians, and the best total");
            System.out.printf("%-50s %9s %8s %8s %8s %8s %8s %8s %9s %9s %8s %8s%n", "JVM", "jvm->main", "init", "1st req", "total",
                    "vs 1.5s", "best", "CPU", "init CPU", "init main", "classes", "2nd req");
            for (Map.Entry<String, List<JsonNode>> row : results.entrySet()) {
                List<JsonNode> runs = row.getValue();
                boolean snapStart = rows.get(row.getKey()).snapStart();
                double init = median(runs, "initMs");
                double first = median(runs, "firstRequestMs");
                // SnapStart runs init before the snapshot, not in the cold start: only the request counts.
                double total = snapStart ? first : init + first;
                // The least disturbed run: on a shared VM the others carry other guests' load as well.
                double best = runs.stream().mapToDouble(r -> r.path("firstRequestMs").asDouble()
                        + (snapStart ? 0 : r.path("initMs").asDouble())).min().orElseThrow();
                System.out.printf("%-50s %7.0fms %6.0fms %6.0fms %6.0fms %7.2fx %6.0fms %6.0fms %7.0fms %7.0fms %8.0f %6.0fms%n",
                        row.getKey() + (snapStart ? " *" : ""), median(runs, "jvmToMainMs"), init, first, total,
                        total / TARGET_MS, best, median(runs, "cpuMs"), median(runs, "initCpuMs"), median(runs, "initMainThreadCpuMs"),
                        median(runs, "classes"), median(runs, "secondRequestMs"));
            }
            System.out.println("CPU: process CPU time (all threads, JIT and GC included) from JVM start to the first"
                    + " response; init CPU: the same at the end of init; init main: the main thread's share of it"
                    + " (what init's wall time follows with a free vCPU per thread); classes: loaded by the end.");
            System.out.println("* SnapStart-like: init ran with AWS_LAMBDA_INITIALIZATION_TYPE=snap-start (priming);"
                    + " total = first request only, the snapshot restore (not emulable here) comes on top.");
            // Steal: time the hypervisor ran other guests on this VM's vCPUs. Wall times grow with it, so
            // numbers from two runs compare only at a similar steal.
            System.out.printf("CPU steal during the runs: %.0f%% of this machine's vCPU time%n",
                    100.0 * (cpuAfter[1] - cpuBefore[1]) / Math.max(1, cpuAfter[0] - cpuBefore[0]));
            for (Map.Entry<String, Path> j : jars.entrySet()) {
                double jarMiB = Files.size(j.getValue()) / (1024.0 * 1024.0);
                System.out.printf("Lambda jar %s%s: %.1f MiB, %.2fx of the 20 MiB target%n", j.getValue().getFileName(),
                        j.getKey(), jarMiB, jarMiB / TARGET_JAR_MIB);
            }
            try (Stream<Path> files = Files.walk(scratch)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
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

    /** The jar's entries written under {@code dir}, as Lambda unpacks a deployment package. */
    private static Path unpack(Path jar, Path dir) throws java.io.IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                Path target = dir.resolve(entry.getName()).normalize();
                if (!target.startsWith(dir)) {
                    throw new IllegalStateException("an entry outside the jar's root: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (var in = zip.getInputStream(entry)) {
                        Files.copy(in, target);
                    }
                }
            }
        }
        return dir;
    }

    private static JsonNode probe(Path code, Path probeClasses, Path body, Map<String, String> env, Variant variant)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(variant.flags());
        command.addAll(EXTRA_JVM_ARGS);
        command.addAll(List.of("-cp", code + File.pathSeparator + probeClasses, ColdStartProbe.class.getName(), body.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(env);
        if (variant.snapStart()) {
            builder.environment().put("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start");
        }
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
        // What start-up changes must keep: Powertools' JSON log line, with the build id as a key.
        if (out.lines().map(ColdStartBench::jsonLine).noneMatch(l -> l.path("message").asText().startsWith("build submitted by")
                && l.path("buildId").asText().startsWith("b-"))) {
            throw new IllegalStateException("the handler logged no JSON line with a buildId for the submission: " + out);
        }
        if (result.path("status").asInt() != 202 || result.path("secondStatus").asInt() != 202) {
            throw new IllegalStateException("the probe's requests were answered " + result.path("status") + " and "
                    + result.path("secondStatus") + ": " + out);
        }
        return result;
    }

    private static JsonNode jsonLine(String line) {
        try {
            return line.startsWith("{") ? JSON.readTree(line) : JSON.missingNode();
        } catch (java.io.IOException notJson) {
            return JSON.missingNode();
        }
    }

    /** All and stolen CPU time of the machine so far, in ticks, from the "cpu" line of /proc/stat. */
    private static long[] cpuTicks() throws java.io.IOException {
        String[] fields = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
        long all = 0;
        for (int i = 1; i < fields.length; i++) {
            all += Long.parseLong(fields[i]);
        }
        return new long[] {all, Long.parseLong(fields[8])};
    }

    private static double median(List<JsonNode> runs, String field) {
        double[] values = runs.stream().mapToDouble(r -> r.path(field).asDouble()).sorted().toArray();
        return values[values.length / 2];
    }
}
