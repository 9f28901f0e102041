package dev.bakery.agent.builder;

import dev.bakery.core.BuildTask;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The platform build args Docker's BuildKit sets automatically, so a Dockerfile written for
 * {@code docker buildx} ({@code GOARCH=$TARGETARCH}, {@code FROM --platform=$BUILDPLATFORM}) builds
 * the same here. Shared by every builder.
 *
 * <p>Every task builds natively on a machine of its own architecture, so the build platform is the
 * task's platform. The target platform is the same, unless the task sets {@code custom-platform}:
 * then the builder pulls base images for that platform, and {@code TARGET*} say so too.
 * {@code TARGETVARIANT} is set (empty when there is no variant), as BuildKit does.
 *
 * <p>A user's own build arg of the same name always wins.
 */
public final class PlatformArgs {

    /** The args set, in the order {@link #forTask} lists them. */
    public static final List<String> NAMES = List.of("TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
            "BUILDPLATFORM", "BUILDOS", "BUILDARCH");

    private static final String LINUX = "linux";

    private PlatformArgs() {
    }

    /** The automatic args alone, in {@link #NAMES} order. */
    public static Map<String, String> forTask(BuildTask task) {
        OciPlatform build = new OciPlatform(LINUX, task.arch().key(), task.variant());
        OciPlatform target = customPlatform(task).orElse(build);
        Map<String, String> args = new LinkedHashMap<>();
        args.put("TARGETPLATFORM", target.toString());
        args.put("TARGETOS", target.os());
        args.put("TARGETARCH", target.arch());
        args.put("TARGETVARIANT", target.variant() == null ? "" : target.variant());
        args.put("BUILDPLATFORM", build.toString());
        args.put("BUILDOS", build.os());
        args.put("BUILDARCH", build.arch());
        return Collections.unmodifiableMap(args);
    }

    /** The automatic args with the task's own build args on top, sorted by name. */
    public static SortedMap<String, String> merged(BuildTask task) {
        SortedMap<String, String> args = new TreeMap<>(forTask(task));
        args.putAll(task.kaniko().buildArgs());
        return Collections.unmodifiableSortedMap(args);
    }

    /**
     * The task's {@code custom-platform} in full OCI form ({@code linux/arm64/v8}). The config accepts
     * {@code arm64}, {@code arm64/v8} and {@code linux/arm64}; a builder reads a short form as an OS
     * name, so builders get this spelling.
     *
     * @throws IllegalArgumentException if the value is not a linux platform
     */
    public static Optional<OciPlatform> customPlatform(BuildTask task) {
        String text = task.kaniko().customPlatform();
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split("/", -1);
        boolean hasOs = parts.length == 3 || parts.length == 2 && !parts[1].matches("v[0-9]+");
        if (parts.length > 3 || hasOs && !parts[0].equals(LINUX)) {
            throw new IllegalArgumentException("task " + task.id() + ": custom platform \"" + text
                    + "\" is not a linux platform such as linux/arm64 or linux/arm64/v8");
        }
        int arch = hasOs ? 1 : 0;
        String variant = arch + 1 < parts.length ? parts[arch + 1] : null;
        if (parts[arch].isEmpty() || variant != null && !variant.matches("v[0-9]+")) {
            throw new IllegalArgumentException("task " + task.id() + ": invalid custom platform \"" + text + "\"");
        }
        return Optional.of(new OciPlatform(LINUX, parts[arch], variant));
    }

    /**
     * An OCI platform.
     *
     * @param os      always {@code linux} here
     * @param arch    {@code amd64}, {@code arm64}
     * @param variant {@code v8}, or null
     */
    public record OciPlatform(String os, String arch, String variant) {

        /** {@code os/arch[/variant]}. */
        @Override
        public String toString() {
            return os + "/" + arch + (variant == null ? "" : "/" + variant);
        }
    }
}
