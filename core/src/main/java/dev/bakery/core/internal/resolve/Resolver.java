package dev.bakery.core.internal.resolve;

import dev.bakery.core.BuildPlan;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.PlannedBuild;
import dev.bakery.core.Problem;
import dev.bakery.core.Resolution;
import dev.bakery.core.internal.compose.ComposeFile;
import dev.bakery.core.internal.spec.ConfigFile;
import dev.bakery.core.internal.spec.Layers;
import dev.bakery.core.internal.spec.Problems;
import dev.bakery.core.internal.spec.Schema;
import dev.bakery.core.internal.yaml.Location;
import dev.bakery.core.internal.yaml.YamlNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Resolves a request in three phases: read and check the files, merge and read each task (both
 * reporting all of their problems together), then, when nothing was wrong, assemble each service's plan.
 */
public final class Resolver {

    private final PlanRequest request;
    private final Problems problems = new Problems();
    private final TaskReader reader;
    private final PlanAssembler assembler;
    private final Overrides overrides;

    private Resolver(PlanRequest request) {
        this.request = request;
        this.reader = new TaskReader(problems, request.defaults());
        this.assembler = new PlanAssembler(problems);
        this.overrides = new Overrides(request.overrides(), problems);
    }

    public static Resolution resolve(PlanRequest request) {
        return new Resolver(request).run();
    }

    private Resolution run() {
        ConfigFile config = request.config() == null ? null : ConfigFile.read(request.config(), problems);
        List<ComposeFile.Service> services = request.compose() == null ? List.of()
                : ComposeFile.read(request.compose(), request.services(), request.environment(), request.files(),
                        problems);
        if (config != null && request.compose() == null && config.bake().isEmpty() && !problems.hasErrors()) {
            // bakeNode is the document itself when bake is absent
            String what = config.bakeNode() instanceof YamlNode.Mapping ? "missing bake" : "bake is empty";
            problems.error(config.bakeNode(), what + ": add at least one entry, e.g. bake: [{arch: amd64}]");
        }
        if (request.compose() == null && !request.services().isEmpty() && config != null) {
            // The selection comes from the caller, not from any line of the config.
            problems.error(new Problem("", "", 0, 0, "services can only be selected from a compose file, and none"
                    + " was given (selected: " + String.join(", ", request.services()) + ")"));
        }
        // Unknown keys and bad values are reported together: the blocks are read even when their keys
        // had problems (readers skip what they cannot use), so one run lists everything to fix.
        List<PlannedBuild> builds = request.compose() == null ? planConfig(config) : planCompose(config, services);
        overrides.reportUnmatched(); // reported once: problems are a set
        problems.throwIfAny();
        return new Resolution(builds, problems.warnings());
    }

    /** Config only: one build, one task per bake entry over global. */
    private List<PlannedBuild> planConfig(ConfigFile config) {
        List<PlanAssembler.Part> parts = new ArrayList<>();
        for (YamlNode.Mapping entry : config.bake()) {
            YamlNode.Mapping merged = Layers.merge(config.global(), entry, Schema.SETTINGS);
            String arch = arch(merged);
            TaskDraft draft = reader.read(overrides.task(merged, BuildPlan.DEFAULT_SERVICE, arch));
            if (draft != null) {
                parts.add(new PlanAssembler.Part(draft, overrides.own(entry, arch)));
            }
        }
        overrides.reportUnmatched(); // with the other problems: every task is known by now
        problems.throwIfAny();
        PlannedBuild build = assembler.assemble(BuildPlan.DEFAULT_SERVICE,
                overrides.service(config.global(), BuildPlan.DEFAULT_SERVICE), parts,
                "set kaniko.destination in global or in this bake entry");
        return build == null ? List.of() : List.of(build); // null: the assembler reported why
    }

    /** Compose (with config's global as the base when given): one build per service, one task per platform. */
    private List<PlannedBuild> planCompose(ConfigFile config, List<ComposeFile.Service> services) {
        YamlNode.Mapping base = config == null ? emptyBlock() : config.global();
        if (config != null && !config.bake().isEmpty()) {
            problems.warn(config.bakeNode(), "not used with a compose file (as in the original Bakery):"
                    + " each service's architectures come from build.x-bake.platforms");
        }
        List<PlannedBuild> builds = new ArrayList<>();
        for (ComposeFile.Service service : services) {
            YamlNode.Mapping serviceBlock = Layers.merge(base, service.settings(), Schema.SETTINGS);
            List<PlanAssembler.Part> parts = new ArrayList<>();
            for (YamlNode.Mapping own : archBlocks(service, serviceBlock)) {
                YamlNode.Mapping merged = Layers.merge(serviceBlock, own, Schema.SETTINGS);
                String arch = arch(merged);
                TaskDraft draft = reader.read(overrides.task(merged, service.name(), arch));
                if (draft != null) {
                    parts.add(new PlanAssembler.Part(draft, overrides.own(own, arch)));
                }
            }
            if (!problems.hasErrors()) {
                builds.add(assembler.assemble(service.name(), overrides.service(serviceBlock, service.name()), parts,
                        "set image: on service " + service.name()));
            }
        }
        return builds;
    }

    /** One block per platform holding just its arch; without platforms, the service's arch or the default. */
    private List<YamlNode.Mapping> archBlocks(ComposeFile.Service service, YamlNode.Mapping serviceBlock) {
        List<YamlNode.Mapping> blocks = new ArrayList<>();
        for (YamlNode platform : service.platforms()) {
            blocks.add(new YamlNode.Mapping(platform.path(), platform.location(), Map.of("arch", platform)));
        }
        if (blocks.isEmpty()) {
            YamlNode arch = Values.at(serviceBlock, "arch");
            if (arch == null) {
                arch = new YamlNode.Scalar(service.node().path(), service.node().location(),
                        request.defaults().arch().key(), false);
            }
            blocks.add(new YamlNode.Mapping(service.node().path(), service.node().location(), Map.of("arch", arch)));
        }
        return blocks;
    }

    /** The arch a merged block builds ({@code arm64} of {@code linux/arm64/v8}: what {@code --set} targets name), or the default. */
    private String arch(YamlNode.Mapping merged) {
        if (!(Values.at(merged, "arch") instanceof YamlNode.Scalar s) || s.isNull()) {
            return request.defaults().arch().key();
        }
        String[] parts = s.value().strip().split("/");
        return parts.length > 1 && parts[0].equals("linux") ? parts[1] : parts[0];
    }

    private YamlNode.Mapping emptyBlock() {
        return new YamlNode.Mapping("", Location.nowhere(request.compose().name()), Map.of());
    }
}
