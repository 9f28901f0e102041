package dev.bakery.registry.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.core.Arch;
import dev.bakery.core.ImageReference;
import dev.bakery.core.IndexPlan;
import dev.bakery.registry.Descriptor;
import dev.bakery.registry.Manifest;
import dev.bakery.registry.MediaTypes;
import dev.bakery.registry.RegistryClient;
import dev.bakery.registry.RegistryException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Publishes a build's multi-arch index: checks that every per-arch image is in the registry and is
 * the architecture its slot claims, writes the index, and puts it under every destination tag.
 * Safe to re-run: the same images give the same index bytes, and putting them again changes nothing.
 */
public final class IndexPublisher {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One image to list.
     *
     * @param taskId  the task that pushed it, for messages
     * @param image   where it was pushed: a tag, or better the repository at the pushed digest
     * @param arch    the architecture its task built
     * @param variant the task's variant, or null ({@code arm64} is listed as {@code v8} then)
     */
    public record Child(String taskId, ImageReference image, Arch arch, String variant) {
        public Child {
            Objects.requireNonNull(taskId, "taskId");
            Objects.requireNonNull(image, "image");
            Objects.requireNonNull(arch, "arch");
        }
    }

    /** What was published: the index's digest and every reference that now points at it. */
    public record Published(String digest, String mediaType, long size, List<ImageReference> destinations) {
        public Published {
            destinations = List.copyOf(destinations);
        }
    }

    private final RegistryClient registry;

    public IndexPublisher(RegistryClient registry) {
        this.registry = registry;
    }

    public Published publish(IndexPlan plan, List<Child> children) {
        List<IndexDocument.Entry> entries = new ArrayList<>();
        for (Child child : children) {
            entries.add(entry(child));
        }
        byte[] index = IndexDocument.build(plan.format(), entries);
        Descriptor stored = null;
        for (ImageReference destination : plan.destinations()) {
            stored = registry.putManifest(destination, plan.format().mediaType(), index);
        }
        return new Published(stored.digest(), stored.mediaType(), stored.size(), plan.destinations());
    }

    private IndexDocument.Entry entry(Child child) {
        Manifest manifest;
        try {
            manifest = registry.manifest(child.image());
        } catch (RegistryException e) {
            if (e.status() == 404) {
                throw new RegistryException("cannot publish the index: the " + child.taskId() + " image " + child.image()
                        + " is not in the registry (did its task push it?)", 404);
            }
            throw e;
        }
        String mediaType = manifest.descriptor().mediaType();
        if (MediaTypes.isIndex(mediaType)) {
            throw new RegistryException("cannot publish the index: " + child.image() + " (task " + child.taskId()
                    + ") is itself an index, not a single image", 0);
        }
        JsonNode config = readJson(registry.blob(child.image(), configDigest(child, manifest)), child);
        String os = config.path("os").asText("");
        String architecture = config.path("architecture").asText("");
        String variant = config.path("variant").asText(null);
        String expectedVariant = child.variant() != null ? child.variant() : child.arch() == Arch.ARM64 ? "v8" : null;
        boolean variantClash = variant != null && expectedVariant != null && !variant.equals(expectedVariant);
        if (!os.equals("linux") || !architecture.equals(child.arch().key()) || variantClash) {
            throw new RegistryException("refusing to publish the index: the " + child.arch().key()
                    + (child.variant() == null ? "" : "/" + child.variant()) + " slot (task " + child.taskId() + ", "
                    + child.image() + ") holds a " + os + "/" + architecture + (variant == null ? "" : "/" + variant)
                    + " image", 0);
        }
        return new IndexDocument.Entry(manifest.descriptor(), "linux", architecture, expectedVariant);
    }

    private static String configDigest(Child child, Manifest manifest) {
        String digest = readJson(manifest.bytes(), child).path("config").path("digest").asText("");
        if (digest.isEmpty()) {
            throw new RegistryException("the manifest of " + child.image() + " (task " + child.taskId()
                    + ") names no image config", 0);
        }
        return digest;
    }

    private static JsonNode readJson(byte[] bytes, Child child) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new RegistryException("the registry returned something that is not JSON for " + child.image(), e);
        }
    }
}
