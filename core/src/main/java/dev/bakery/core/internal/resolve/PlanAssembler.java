package dev.bakery.core.internal.resolve;

import dev.bakery.core.BuildPlan;
import dev.bakery.core.BuildTask;
import dev.bakery.core.ImageReference;
import dev.bakery.core.IndexPlan;
import dev.bakery.core.PlannedBuild;
import dev.bakery.core.RegistryCredential;
import dev.bakery.core.SecretRef;
import dev.bakery.core.internal.InvalidValueException;
import dev.bakery.core.internal.resolve.TaskDraft.CredentialSpec;
import dev.bakery.core.internal.spec.Problems;
import dev.bakery.core.internal.yaml.YamlNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns the drafts of one service into its {@link BuildPlan}: task ids, where each image goes, the
 * multi-arch index, and inline passwords split off into references to the build's own secret.
 */
final class PlanAssembler {

    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");

    /** One task to assemble: its merged draft and its own (bake-level) block, to tell own values from inherited ones. */
    record Part(TaskDraft draft, YamlNode.Mapping ownBlock) {
    }

    private final Problems problems;

    PlanAssembler(Problems problems) {
        this.problems = problems;
    }

    /**
     * @param service        service name
     * @param serviceBlock   the service-wide settings (config global, or global with compose on top)
     * @param parts          the tasks, in order
     * @param destinationHint how to set a missing destination in this input's terms
     * @return the build, or null when problems were reported
     */
    PlannedBuild assemble(String service, YamlNode.Mapping serviceBlock, List<Part> parts, String destinationHint) {
        List<String> ids = ids(parts);
        boolean multi = parts.stream().filter(p -> !p.draft().kaniko().noPush()).count() > 1;
        ImageReference main = new Values(problems).parsed(Values.object(serviceBlock, "kaniko"), "destination",
                TaskReader::destination);

        Map<String, String> passwords = new LinkedHashMap<>();
        List<BuildTask> tasks = new ArrayList<>();
        List<String> indexed = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            TaskDraft d = parts.get(i).draft();
            YamlNode.Mapping own = parts.get(i).ownBlock();
            String id = ids.get(i);
            boolean ownDestination = Values.at(own, "kaniko", "destination") != null;
            List<ImageReference> destinations = new ArrayList<>();
            if (ownDestination && d.destination() != null) {
                destinations.add(d.destination());
                destinations.addAll(extraTags(d.destination(), own, Values.at(own, "kaniko", "tags") != null ? d.tags() : List.of(),
                        false));
            } else if (!ownDestination && main != null) {
                if (multi) {
                    destinations.add(archTag(main, id, d.source()));
                } else {
                    destinations.add(main);
                    destinations.addAll(extraTags(main, d.source(), d.tags(), false));
                }
            }
            if (destinations.isEmpty() && !d.kaniko().noPush()) {
                if (!ownDestination) {
                    problems.error(d.source(), "missing destination: " + destinationHint);
                }
                continue;
            }
            if (multi && main != null && !d.kaniko().noPush() && !destinations.isEmpty()) {
                ImageReference pushed = destinations.getFirst();
                if (pushed.repositoryName().equals(main.repositoryName())) {
                    indexed.add(id);
                } else {
                    problems.error(Values.at(own, "kaniko", "destination"), "pushes to " + pushed.repositoryName()
                            + ", outside " + main.repositoryName() + " of the multi-arch index: an index can only list"
                            + " images of its own repository (use a tag of " + main.repositoryName() + ")");
                }
            }
            tasks.add(new BuildTask(id, d.platform(), d.arch(), d.variant(), d.resources(), d.timeoutSeconds(), d.spot(),
                    d.env(), d.preScript(), d.postScript(), d.kaniko(), destinations,
                    split(d.credentials(), passwords), split(d.imagePullCredentials(), passwords), d.secrets()));
        }
        if (problems.hasErrors()) {
            return null;
        }
        IndexPlan index = null;
        if (multi && main == null) {
            problems.warn(serviceBlock, "no multi-arch index is published: every arch has its own destination;"
                    + " " + destinationHint + " to publish one");
        } else if (multi && indexed.size() > 1) {
            List<ImageReference> indexDestinations = new ArrayList<>();
            indexDestinations.add(main);
            indexDestinations.addAll(extraTags(main, serviceBlock, parts.getFirst().draft().tags(), true));
            if (problems.hasErrors()) {
                return null;
            }
            index = new IndexPlan(indexDestinations, parts.getFirst().draft().indexFormat(), indexed);
        }
        return new PlannedBuild(new BuildPlan(service, tasks, index), passwords);
    }

    /**
     * The arch name, or {@code <arch>-<position>} for every task when an arch repeats: the pushed tags
     * ({@code :v1_amd64-0}) are the original Bakery's, which users' pipelines may already pull.
     */
    private static List<String> ids(List<Part> parts) {
        Map<String, Integer> counts = new HashMap<>();
        parts.forEach(p -> counts.merge(p.draft().arch().key(), 1, Integer::sum));
        boolean repeats = counts.values().stream().anyMatch(c -> c > 1);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            String arch = parts.get(i).draft().arch().key();
            ids.add(repeats ? arch + "-" + i : arch);
        }
        return ids;
    }

    private ImageReference archTag(ImageReference main, String id, YamlNode at) {
        String tag = main.tag().orElseThrow() + "_" + id;
        if (!TAG.matcher(tag).matches()) {
            problems.error(at, "the per-arch tag \"" + tag + "\" is longer than 128 characters: shorten the destination's tag");
            return main;
        }
        return main.withTag(tag);
    }

    /**
     * {@code kaniko.tags}: bare tags of the same repository, or full references.
     *
     * @param sameRepository for an index, which can only be pushed to tags of its own repository
     */
    private List<ImageReference> extraTags(ImageReference base, YamlNode.Mapping block, List<String> tags,
            boolean sameRepository) {
        List<ImageReference> out = new ArrayList<>();
        YamlNode node = Values.at(block, "kaniko", "tags");
        for (int i = 0; i < tags.size(); i++) {
            String tag = tags.get(i).trim();
            YamlNode at = node instanceof YamlNode.Sequence seq && i < seq.items().size() ? seq.items().get(i) : block;
            try {
                ImageReference ref = TAG.matcher(tag).matches() ? base.withTag(tag) : ImageReference.parse(tag);
                if (ref.hasDigest() || ref.tag().isEmpty()) {
                    problems.error(at, "\"" + tag + "\" is not a tag or a tagged image reference");
                } else if (sameRepository && !ref.repositoryName().equals(base.repositoryName())) {
                    // Reported here: IndexPlan would reject it too, but as a crash without file and line.
                    problems.error(at, "\"" + tag + "\" is outside " + base.repositoryName() + ": a multi-arch index"
                            + " can only be pushed to tags of its own repository (use a bare tag such as \""
                            + ref.tagOrLatest().orElseThrow() + "\")");
                } else {
                    out.add(ref);
                }
            } catch (InvalidValueException e) {
                problems.error(at, e.getMessage());
            }
        }
        return out;
    }

    private static List<RegistryCredential> split(List<CredentialSpec> specs, Map<String, String> passwords) {
        List<RegistryCredential> out = new ArrayList<>();
        for (CredentialSpec spec : specs) {
            if (spec.password() != null) {
                passwords.put(spec.path(), spec.password());
                out.add(new RegistryCredential(spec.registry(), spec.username(), SecretRef.buildSecret(spec.path())));
            } else {
                out.add(new RegistryCredential(spec.registry(), spec.username(), SecretRef.named(spec.secret())));
            }
        }
        return out;
    }
}
