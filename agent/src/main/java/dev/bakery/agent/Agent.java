package dev.bakery.agent;

import dev.bakery.agent.builder.BuildOutcome;
import dev.bakery.agent.builder.BuildRequest;
import dev.bakery.agent.builder.Builder;
import dev.bakery.agent.context.ContextFetcher;
import dev.bakery.agent.context.ResolvedPaths;
import dev.bakery.agent.context.SafeExtractor;
import dev.bakery.agent.credentials.DockerConfig;
import dev.bakery.agent.credentials.SecretFiles;
import dev.bakery.agent.log.AgentLog;
import dev.bakery.agent.log.SecretMask;
import dev.bakery.agent.process.ProcessRunner;
import dev.bakery.agent.result.ResultSink;
import dev.bakery.agent.spec.TaskSpec;
import dev.bakery.core.BuildTask;
import dev.bakery.core.ImageReference;
import dev.bakery.registry.Login;
import dev.bakery.registry.RegistryCredentials;
import dev.bakery.registry.SecretReader;
import dev.bakery.core.status.TaskResult;
import dev.bakery.core.status.TaskStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One build task, step by step: context in, scripts and builder, result out. Every step is logged
 * with its start, end and duration; the first failure ends the run with a FAILED result that says
 * why, and the exit code is the failing step's.
 */
public final class Agent {

    /**
     * Where this agent works.
     *
     * @param workspace    the unpacked context (Kaniko's /workspace)
     * @param dockerConfig the config.json the builder reads logins from
     * @param digestFile   where the builder writes the pushed digest
     * @param secrets      where the build secrets' files live while the builder runs: a directory of
     *                     their own, outside the workspace and outside what the builder snapshots
     * @param limits       archive limits for the context
     */
    public record Paths(Path workspace, Path dockerConfig, Path digestFile, Path secrets, SafeExtractor.Limits limits) {

        public Paths {
            if (secrets.toAbsolutePath().normalize().startsWith(workspace.toAbsolutePath().normalize())) {
                throw new IllegalArgumentException("the build secrets' directory " + secrets
                        + " must not be inside the workspace " + workspace);
            }
        }
    }

    private final TaskSpec spec;
    private final Paths paths;
    private final ContextFetcher fetcher;
    private final RegistryCredentials logins;
    private final SecretReader secrets;
    private final Builder builder;
    private final ResultSink sink;
    private final ProcessRunner runner;
    private final AgentLog log;
    private final Clock clock;

    /**
     * @param logins  the registry logins of the task's plan
     * @param secrets reads the values of the task's build secrets ({@code secrets[].secret})
     */
    public Agent(TaskSpec spec, Paths paths, ContextFetcher fetcher, RegistryCredentials logins, SecretReader secrets,
            Builder builder, ResultSink sink, ProcessRunner runner, AgentLog log, Clock clock) {
        this.spec = spec;
        this.paths = paths;
        this.fetcher = fetcher;
        this.logins = logins;
        this.secrets = secrets;
        this.builder = builder;
        this.sink = sink;
        this.runner = runner;
        this.log = log;
        this.clock = clock;
    }

    /** Runs every step and reports; returns the process exit code. */
    public int run() {
        Instant started = clock.instant();
        BuildTask task = spec.task();
        TaskResult result;
        try {
            sink.started(started);
            result = steps(task, started);
        } catch (StepFailed e) {
            result = failed(started, e.exitCode, e.getMessage(), runner.terminated());
        } catch (IOException | RuntimeException e) {
            log.error("agent", "stopped: " + e.getMessage());
            result = failed(started, 1, e.getMessage(), runner.terminated());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = failed(started, 143, "interrupted", true);
        }
        AgentLog.Step step = log.step("result");
        try {
            sink.record(result);
            log.info("result", "task " + task.id() + " " + result.status()
                    + (result.imageDigest() == null ? "" : " " + result.imageDigest())
                    + (result.interrupted() ? " (interrupted)" : ""));
            step.close();
        } catch (IOException | RuntimeException e) {
            step.failed("the result could not be recorded: " + e.getMessage());
            return result.exitCode() == 0 ? 1 : result.exitCode();
        }
        return result.exitCode();
    }

    private TaskResult steps(BuildTask task, Instant started) throws IOException, InterruptedException {
        try (AgentLog.Step step = log.step("context")) {
            try (ContextFetcher.Verified context = fetcher.fetch(spec); InputStream archive = context.open()) {
                Files.createDirectories(paths.workspace());
                SafeExtractor.Summary summary = SafeExtractor.extract(archive, paths.workspace(), paths.limits());
                log.info("context", "extracted " + summary.files() + " files, " + summary.directories() + " directories, "
                        + summary.links() + " links, " + summary.bytes() + " bytes");
            } catch (IOException e) {
                step.failed(e.getMessage());
                throw new StepFailed("context", 1, e.getMessage());
            }
        }
        BuildOutcome outcome;
        Map<String, String> env = new HashMap<>(task.env());
        // The secrets' files exist from here until the builder is done, never for the post-script.
        try (SecretFiles secretFiles = credentials(task)) {
            if (!builder.runsScripts()) {
                script("pre-script", task.preScript(), env);
            }
            BuildRequest request = new BuildRequest(task, paths.workspace(), paths.digestFile(), secretFiles.files());
            try (AgentLog.Step step = log.step("build")) {
                try {
                    // After the pre-script the agent ran itself: what the builder is given is checked as it is now.
                    ResolvedPaths.requireInsideWorkspace(request);
                } catch (IOException e) {
                    step.failed(e.getMessage());
                    throw new StepFailed("build", 1, e.getMessage());
                }
                outcome = builder.build(request, runner);
                if (!outcome.succeeded()) {
                    step.failed(outcome.interrupted() ? "interrupted" : "exit code " + outcome.exitCode());
                    return new TaskResult(TaskStatus.FAILED, null, List.of(), outcome.exitCode(), started, clock.instant(),
                            outcome.error(), outcome.interrupted());
                }
            }
        }
        if (!builder.runsScripts()) {
            script("post-script", task.postScript(), env);
        }
        return new TaskResult(TaskStatus.SUCCEEDED, outcome.digest(),
                outcome.pushed().stream().map(ImageReference::toString).toList(), 0, started, clock.instant(), null, false);
    }

    /** Registry logins into config.json and build secrets into their files, every value masked from then on. */
    private SecretFiles credentials(BuildTask task) throws IOException {
        try (AgentLog.Step step = log.step("credentials")) {
            try {
                List<Login> written = DockerConfig.write(paths.dockerConfig(), task, logins);
                log.mask(written.stream().flatMap(l -> SecretMask.loginForms(l.username(), l.password()).stream()).toList());
                log.info("credentials", "logins for " + written.size() + " registries written");
                SecretFiles files = SecretFiles.write(paths.secrets(), task.secrets(), secrets);
                log.mask(files.values().stream().flatMap(v -> SecretMask.valueForms(v).stream()).toList());
                if (!files.files().isEmpty()) {
                    log.info("credentials", "build secrets " + String.join(", ", files.files().keySet()) + " written");
                }
                return files;
            } catch (IOException | RuntimeException e) {
                step.failed(e.getMessage());
                throw new StepFailed("credentials", 1, e.getMessage());
            }
        }
    }

    private void script(String name, String script, Map<String, String> env) throws IOException, InterruptedException {
        if (script == null) {
            return;
        }
        try (AgentLog.Step step = log.step(name)) {
            ProcessRunner.Outcome outcome = runner.run(List.of("sh", "-ce", script), paths.workspace(), env, name);
            if (!outcome.succeeded()) {
                String why = outcome.interrupted() ? "interrupted" : "exit code " + outcome.exitCode();
                step.failed(why);
                throw new StepFailed(name, outcome.exitCode() == 0 ? 143 : outcome.exitCode(),
                        name + " failed (" + why + ")" + (outcome.lastLine().isEmpty() ? "" : ": " + outcome.lastLine()));
            }
        }
    }

    private TaskResult failed(Instant started, int exitCode, String error, boolean interrupted) {
        return new TaskResult(TaskStatus.FAILED, null, List.of(), exitCode, started, clock.instant(), error, interrupted);
    }

    /** A step failed in a way already logged; carries the exit code and the result's error. */
    private static final class StepFailed extends IOException {
        private static final long serialVersionUID = 1L;
        private final int exitCode;

        StepFailed(String step, int exitCode, String message) {
            super(message == null ? step + " failed" : message);
            this.exitCode = exitCode;
        }
    }
}
