package dev.bakery.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.core.api.ApiModel;
import dev.bakery.cli.api.BakeryApi;
import dev.bakery.cli.api.ContextUploader;
import dev.bakery.cli.api.EndpointResolver;
import dev.bakery.cli.api.SigV4Signer;
import dev.bakery.cli.api.UploadProgress;
import dev.bakery.cli.context.ContextPacker;
import dev.bakery.cli.context.PackedContext;
import dev.bakery.cli.follow.BuildFollower;
import dev.bakery.cli.output.BuildResult;
import dev.bakery.cli.output.GithubActions;
import dev.bakery.cli.output.MetadataFile;
import dev.bakery.cli.output.ProgressBar;
import dev.bakery.cli.output.Pricing;
import dev.bakery.cli.output.ProgressLines;
import dev.bakery.cli.output.Renderer;
import dev.bakery.cli.output.Timeline;
import dev.bakery.cli.output.WaitingLines;
import dev.bakery.cli.plan.Plans;
import dev.bakery.core.BuildPlan;
import dev.bakery.core.BuildTask;
import dev.bakery.core.PlannedBuild;
import dev.bakery.core.Problem;
import dev.bakery.core.Resolution;
import dev.bakery.core.live.LiveMessage;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code bakery build}: plan, pack the repository, upload it (once per content), submit one build
 * per service, follow each to its end, then summary, metadata file and CI outputs.
 */
@Command(name = "build", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Builds the images of a config.yaml and/or compose file on Bakery: packs --repo, uploads it"
                + " (skipped when that exact context is stored already), submits one build per service and follows it"
                + " live. Stopping the command (Ctrl-C, SIGTERM) cancels the builds it follows, unless --detach.",
        footer = {"", "Exit codes: 0 every build succeeded, 1 a build failed or was cancelled, 2 usage or config error,"
                + " 3 API/AWS/network error, 130/143 interrupted (SIGINT/SIGTERM)."})
final class BuildCommand implements Callable<Integer> {

    @ParentCommand
    BakeryCommand root;

    @Mixin
    PlanOptions plan;

    @Option(names = "--async", description = "Build the services concurrently (default: one after the other, stopping at the first failure).")
    boolean async;

    @Option(names = "--detach", description = "Submit, print the build ids and exit without following (nothing is cancelled on exit).")
    boolean detach;

    @Mixin
    OutputOptions output;

    @Option(names = "--metadata-file", paramLabel = "FILE",
            description = "Write per service the image digest, names, build id and each arch's digest and reference"
                    + " (like docker buildx --metadata-file).")
    Path metadataFile;

    @Option(names = "--label", paramLabel = "KEY=VALUE",
            description = "A label on the build (repeatable), e.g. --label team=web; CI commit and run URL are added.")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--dry-run",
            description = "Resolve and pack, submit nothing: print the plans and the context (files, bytes, sha256);"
                    + " with --output json one document {\"plans\":[...],\"context\":{...,\"files\":[...]}}.")
    boolean dryRun;

    @Option(names = "--print",
            description = "Resolve only and print the plans (as docker buildx bake --print): nothing is packed, uploaded"
                    + " or submitted; with --output json one document {\"plans\":[...]}.")
    boolean print;

    @Mixin
    EndpointOptions endpoint;

    @Override
    public Integer call() throws Exception {
        CliContext context = root.context();
        Set<Path> read = new LinkedHashSet<>();
        Resolution resolution = Plans.resolve(plan.input(context), read::add);
        Renderer renderer = output.renderer(context);
        for (Problem warning : resolution.warnings()) {
            context.err().println("warning: " + warning.render());
        }
        if (print) {
            plans(context, resolution, null);
            return ExitCodes.OK;
        }
        Set<String> withheld = withheld(resolution, read);
        Map<Set<ContextPacker.Context>, Upload> uploads = new LinkedHashMap<>();
        try {
            for (PlannedBuild build : resolution.builds()) {
                Upload upload = uploads.get(contexts(build));
                if (upload == null) {
                    upload = new Upload(new ArrayList<>(), pack(context, contexts(build), withheld));
                    uploads.put(contexts(build), upload);
                }
                upload.services().add(build.plan().service());
            }
            if (dryRun) {
                plans(context, resolution, uploads.values());
                return ExitCodes.OK;
            }
            BakeryApi api = endpoint.api(context);
            Map<String, String> keys = new LinkedHashMap<>();
            for (Upload upload : uploads.values()) {
                PackedContext packed = upload.packed();
                String key = upload(context, api, renderer, upload.services(), packed, progressInterval(context));
                upload.services().forEach(service -> keys.put(service, key));
            }
            List<BuildResult> results = run(context, api, renderer, resolution.builds(), keys);
            report(context, renderer, results);
            return results.stream().allMatch(r -> detach || r.succeeded()) ? ExitCodes.OK : ExitCodes.BUILD_FAILED;
        } finally {
            for (Upload upload : uploads.values()) {
                Files.deleteIfExists(upload.packed().archive());
            }
        }
    }

    /** One upload and the services that build from it (those with the same contexts share it). */
    private record Upload(List<String> services, PackedContext packed) {
    }

    /** What a build's tasks need uploaded: each task's context directory and Dockerfile. */
    private static Set<ContextPacker.Context> contexts(PlannedBuild build) {
        Set<ContextPacker.Context> contexts = new LinkedHashSet<>();
        for (BuildTask task : build.plan().tasks()) {
            contexts.add(new ContextPacker.Context(task.kaniko().contextPath(), task.kaniko().dockerfile()));
        }
        return contexts;
    }

    /**
     * The files read to plan builds that carry an inline password, as repository paths: they hold
     * it (or what it is interpolated from), and an inline password leaves this machine only in the
     * submission, into the build's own secret. Nothing when no build has one.
     */
    private Set<String> withheld(Resolution resolution, Set<Path> read) throws IOException {
        if (resolution.builds().stream().allMatch(build -> build.inlinePasswords().isEmpty())) {
            return Set.of();
        }
        Path repo = plan.repo.toAbsolutePath().normalize();
        Path root = repo.toRealPath();
        Set<String> paths = new TreeSet<>();
        for (Path file : read) {
            if (file.startsWith(repo)) {
                paths.add(repo.relativize(file).toString().replace('\\', '/'));
            }
            Path real = file.toRealPath();
            if (real.startsWith(root)) {
                paths.add(root.relativize(real).toString().replace('\\', '/'));
            }
        }
        return paths;
    }

    private PackedContext pack(CliContext context, Set<ContextPacker.Context> contexts, Set<String> withheld)
            throws IOException {
        Path archive = temporaryArchive();
        try {
            PackedContext packed = ContextPacker.pack(plan.repo, contexts, withheld, archive);
            packed.hint().ifPresent(context.err()::println);
            if (!packed.withheld().isEmpty()) {
                context.err().println("bakery: left out of the upload: " + String.join(", ", packed.withheld())
                        + " (read to plan a build with an inline registry password, which leaves this machine only into"
                        + " the build's own secret; with secret: instead of password: nothing is left out)");
            }
            return packed;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(archive);
            throw e;
        }
    }

    /**
     * A new file only its user may read, {@code bakery-context-*.tar.gz} in the temp dir. A signal (Ctrl-C,
     * a cancelled CI job) ends the JVM without the finally that deletes it; delete-on-exit does, so it is
     * registered before the file exists (Files.createTempFile would leave a window in between).
     */
    private static Path temporaryArchive() throws IOException {
        Path directory = Path.of(System.getProperty("java.io.tmpdir"));
        SecureRandom random = new SecureRandom();
        for (int attempt = 0; ; attempt++) {
            Path archive = directory.resolve("bakery-context-" + Long.toUnsignedString(random.nextLong()) + ".tar.gz");
            archive.toFile().deleteOnExit();
            try {
                return FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                        ? Files.createFile(archive, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                        : Files.createFile(archive);
            } catch (FileAlreadyExistsException taken) {
                if (attempt == 9) {
                    throw taken;
                }
            }
        }
    }

    private static String upload(CliContext context, BakeryApi api, Renderer renderer, List<String> services,
            PackedContext packed, Duration progressInterval) throws IOException, InterruptedException {
        String label = label(services);
        renderer.info(label + ": " + packed.fileCount() + " files, " + mib(packed.bytes()) + ", sha256 " + packed.sha256());
        // A terminal gets a redrawn bar; a CI log whole lines (a carriage return there only adds clutter).
        UploadProgress progress = context.interactive() ? new ProgressBar(context.err())
                : new ProgressLines(context.err(), progressInterval);
        ContextUploader.Uploaded uploaded = new ContextUploader(api, 4, progress)
                .upload(packed.archive(), packed.sha256(), packed.bytes());
        renderer.info(uploaded.wasStored() ? label + " already uploaded: " + uploaded.key() : label + " uploaded: " + uploaded.key());
        return uploaded.key();
    }

    private List<BuildResult> run(CliContext context, BakeryApi api, Renderer renderer, List<PlannedBuild> builds,
            Map<String, String> contextKeys) throws InterruptedException, ExecutionException {
        Map<String, String> allLabels = new LinkedHashMap<>(CiLabels.from(context.env()));
        allLabels.putAll(labels);
        String invocation = UUID.randomUUID().toString();
        boolean several = builds.size() > 1;
        List<BuildResult> results = new ArrayList<>();
        if (detach || !async) {
            for (int i = 0; i < builds.size(); i++) {
                BuildResult result = submit(context, api, renderer, builds.get(i), contextKeys, allLabels, invocation + "-" + i);
                results.add(detach ? result : follow(context, api, renderer, result, several));
                if (!detach && !results.getLast().succeeded() && i + 1 < builds.size()) {
                    renderer.info("not building " + builds.subList(i + 1, builds.size()).stream()
                            .map(b -> b.plan().service()).toList() + ": " + result.service() + " did not succeed (--async builds all)");
                    break;
                }
            }
            return results;
        }
        List<BuildResult> submitted = new ArrayList<>();
        for (int i = 0; i < builds.size(); i++) {
            submitted.add(submit(context, api, renderer, builds.get(i), contextKeys, allLabels, invocation + "-" + i));
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(submitted.size())) {
            List<Future<BuildResult>> followed = new ArrayList<>();
            for (BuildResult result : submitted) {
                followed.add(pool.submit(() -> follow(context, api, renderer, result, several)));
            }
            for (Future<BuildResult> f : followed) {
                results.add(f.get());
            }
        }
        return results;
    }

    private BuildResult submit(CliContext context, BakeryApi api, Renderer renderer, PlannedBuild build,
            Map<String, String> contextKeys, Map<String, String> allLabels, String idempotencyKey) throws InterruptedException {
        ApiModel.Submitted submitted = api.submit(new ApiModel.Submission(contextKeys.get(build.plan().service()),
                Plans.json(build.plan()), allLabels, "cli-" + idempotencyKey, build.inlinePasswords()));
        if (!detach) {
            context.activeBuilds().started(submitted.buildId(), api);
        }
        renderer.submitted(build.plan().service(), submitted.buildId(), submitted.consoleUrl());
        return new BuildResult(build.plan().service(), build.plan(), submitted.buildId(), submitted.consoleUrl(), null, null,
                pricing(context, api));
    }

    private BuildResult follow(CliContext context, BakeryApi api, Renderer renderer, BuildResult submitted, boolean several)
            throws InterruptedException {
        Timeline.Recorder listener = new Timeline.Recorder(
                renderer.build(submitted.service(), submitted.buildId(), submitted.plan(), several), Instant::now);
        LiveMessage.Done done;
        if (context.interactive()) {
            done = new BuildFollower(api, context.follow()).follow(submitted.buildId(), listener);
        } else {
            try (WaitingLines waiting = new WaitingLines(listener, context.err(), submitted.buildId(), progressInterval(context))) {
                done = new BuildFollower(api, context.follow()).follow(submitted.buildId(), waiting);
            }
        }
        context.activeBuilds().ended(submitted.buildId());
        return new BuildResult(submitted.service(), submitted.plan(), submitted.buildId(), submitted.consoleUrl(), done,
                listener.timeline(done.indexDigest() != null), submitted.pricing());
    }

    private void report(CliContext context, Renderer renderer, List<BuildResult> results) throws IOException {
        if (!detach) {
            renderer.summary(results);
        }
        if (metadataFile != null) {
            MetadataFile.write(metadataFile, results);
        }
        if (GithubActions.active(context.env())) {
            GithubActions.write(context.env(), results);
        }
    }

    /** {@code --print} (uploads null: nothing packed) and {@code --dry-run} (with what would be uploaded). */
    private void plans(CliContext context, Resolution resolution, Collection<Upload> uploads) {
        ObjectNode document = BakeryApi.JSON.createObjectNode();
        ArrayNode plans = document.putArray("plans");
        for (PlannedBuild build : resolution.builds()) {
            plans.add(Plans.json(build.plan()));
        }
        if (uploads != null) {
            ArrayNode contexts = document.putArray("contexts");
            for (Upload upload : uploads) {
                ObjectNode summary = contexts.addObject();
                upload.services().forEach(summary.putArray("services")::add);
                summary.put("sha256", upload.packed().sha256()).put("bytes", upload.packed().bytes());
                upload.packed().withheld().forEach(summary.putArray("withheld")::add);
                ArrayNode files = summary.putArray("files");
                upload.packed().files().stream().sorted().forEach(files::add);
            }
        }
        if (output.format(context) == dev.bakery.cli.output.OutputFormat.JSON) {
            context.out().println(document.toString());
            return;
        }
        for (PlannedBuild build : resolution.builds()) {
            context.out().println("plan " + build.plan().service() + ":");
            context.out().println(Plans.json(build.plan()).toPrettyString());
        }
        if (uploads == null) {
            return;
        }
        for (Upload upload : uploads) {
            PackedContext packed = upload.packed();
            context.out().println(label(upload.services()) + ": " + packed.fileCount()
                    + " files, " + packed.bytes() + " bytes (" + mib(packed.bytes()) + "), sha256 " + packed.sha256());
        }
        context.out().println("nothing submitted (--dry-run); --output json lists every file");
    }

    /** The region the builds run in prices them: the signed endpoint's, else AWS_REGION's (none for the local mode). */
    private static Pricing pricing(CliContext context, BakeryApi api) {
        String region = api.endpoint().signer() instanceof SigV4Signer signer
                && !EndpointResolver.isLocal(api.endpoint().rest()) ? signer.region()
                : context.env().getOrDefault("AWS_REGION", context.env().get("AWS_DEFAULT_REGION"));
        return Pricing.forRegion(region);
    }

    private static Duration progressInterval(CliContext context) {
        try {
            return ProgressLines.interval(context.env());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** "context" for a config's one build, "context of api, web" for compose services. */
    private static String label(List<String> services) {
        return services.equals(List.of(BuildPlan.DEFAULT_SERVICE)) ? "context" : "context of " + String.join(", ", services);
    }

    private static String mib(long bytes) {
        return String.format("%.2f MiB", bytes / (1024.0 * 1024.0));
    }
}
