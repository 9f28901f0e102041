package dev.bakery.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.bakery.core.internal.InvalidValueException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A container image name as Docker reads it ({@code nginx}, {@code localhost:5000/app:1.2},
 * {@code ghcr.io/org/app@sha256:...}).
 *
 * <p>Users write short forms, but caches, pushes and comparisons need one spelling per image, so
 * every instance is normalized the way Docker does it: the registry defaults to {@code docker.io},
 * {@code index.docker.io} becomes {@code docker.io}, and single-name Docker Hub repositories get
 * {@code library/}. Two references to the same image are therefore {@code equals}, and
 * {@code parse(ref.toString())} gives {@code ref} back.
 *
 * <p>We check the grammar ourselves rather than let a registry reject the name minutes into a
 * build, and say which part is wrong, because "invalid reference format" helps nobody.
 */
public final class ImageReference {

    private static final String DOCKER_HUB = "docker.io";
    private static final String LEGACY_DOCKER_HUB = "index.docker.io";
    private static final String OFFICIAL_IMAGES = "library/";
    private static final String LATEST = "latest";
    private static final int MAX_NAME_LENGTH = 255;
    private static final int MAX_TAG_LENGTH = 128;

    private static final Pattern HOST_LABEL = Pattern.compile("[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]");
    private static final Pattern IPV6_HOST = Pattern.compile("\\[[0-9a-fA-F:]+]");
    private static final Pattern PORT = Pattern.compile("[0-9]+");
    private static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern DIGEST_ALGORITHM = Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*");
    private static final Pattern SHA256_ENCODED = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern OTHER_ENCODED = Pattern.compile("[a-zA-Z0-9=_-]{32,}");
    private static final Pattern IMAGE_ID = Pattern.compile("[0-9a-f]{64}");

    private final String registry;
    private final String repository;
    private final String tag;
    private final String digest;

    private ImageReference(String registry, String repository, String tag, String digest) {
        this.registry = registry;
        this.repository = repository;
        this.tag = tag;
        this.digest = digest;
    }

    /**
     * Reads what a user wrote in a config file or on a command line.
     *
     * @throws InvalidValueException with a sentence naming the input and the part that is wrong
     */
    public static ImageReference parse(String reference) throws InvalidValueException {
        if (reference == null || reference.isEmpty()) {
            throw new InvalidValueException("empty image reference");
        }
        String prefix = "invalid image reference " + quote(reference) + ": ";
        if (IMAGE_ID.matcher(reference).matches()) {
            // Docker refuses these too: they are image IDs, and pulling one by name would surprise.
            throw new InvalidValueException(prefix + "a 64-character hex string is an image ID, not a repository name");
        }

        String name = reference;
        String digest = null;
        int at = name.indexOf('@');
        if (at >= 0) {
            digest = name.substring(at + 1);
            name = name.substring(0, at);
        }
        String tag = null;
        int colon = name.lastIndexOf(':');
        if (colon > name.lastIndexOf('/')) {
            tag = name.substring(colon + 1);
            name = name.substring(0, colon);
        }
        if (name.isEmpty()) {
            throw new InvalidValueException(prefix + "missing repository name");
        }

        String registry = DOCKER_HUB;
        String path = name;
        int slash = name.indexOf('/');
        if (slash >= 0 && isRegistry(name.substring(0, slash))) {
            registry = name.substring(0, slash);
            path = name.substring(slash + 1);
            String problem = registryProblem(registry);
            if (problem != null) {
                throw new InvalidValueException(prefix + problem);
            }
        }
        String problem = repositoryProblem(path);
        if (problem != null) {
            throw new InvalidValueException(prefix + problem);
        }
        registry = normalizeRegistry(registry);
        path = normalizeRepository(registry, path);
        problem = lengthProblem(registry, path);
        if (problem != null) {
            throw new InvalidValueException(prefix + problem);
        }

        if (tag != null) {
            problem = tagProblem(tag);
            if (problem != null) {
                throw new InvalidValueException(
                        "invalid tag " + quote(tag) + " in image reference " + quote(reference) + ": " + problem);
            }
        }
        if (digest != null) {
            problem = digestProblem(digest);
            if (problem != null) {
                throw new InvalidValueException(
                        "invalid digest " + quote(digest) + " in image reference " + quote(reference) + ": " + problem);
            }
        }
        return new ImageReference(registry, path, tag, digest);
    }

    /**
     * Builds a reference from parts that code already holds, normalized like {@link #parse}.
     * The registry must be one that {@code parse} would recognize as a registry, so that
     * {@code toString()} reads back as the same reference.
     *
     * @param tag    the tag, or {@code null} for none
     * @param digest the digest, or {@code null} for none
     * @throws IllegalArgumentException if a part breaks the grammar
     */
    public static ImageReference of(String registry, String repository, String tag, String digest) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
        String problem = registry.isEmpty() ? "a registry cannot be empty" : registryProblem(registry);
        if (problem == null && !isRegistry(registry)) {
            problem = "it would be read as part of the repository name; a registry needs a \".\", a \":\""
                    + " or an uppercase letter, or must be \"localhost\"";
        }
        if (problem != null) {
            throw new IllegalArgumentException("invalid registry " + quote(registry) + ": " + problem);
        }
        problem = repositoryProblem(repository);
        if (problem != null) {
            throw new IllegalArgumentException("invalid repository " + quote(repository) + ": " + problem);
        }
        String normalizedRegistry = normalizeRegistry(registry);
        String normalizedRepository = normalizeRepository(normalizedRegistry, repository);
        problem = lengthProblem(normalizedRegistry, normalizedRepository);
        if (problem != null) {
            throw new IllegalArgumentException("invalid repository " + quote(repository) + ": " + problem);
        }
        if (tag != null) {
            checkTag(tag);
        }
        if (digest != null) {
            problem = digestProblem(digest);
            if (problem != null) {
                throw new IllegalArgumentException("invalid digest " + quote(digest) + ": " + problem);
            }
        }
        return new ImageReference(normalizedRegistry, normalizedRepository, tag, digest);
    }

    /**
     * Jackson's way in: config files hold references as plain strings. Jackson reports the
     * {@link IllegalArgumentException} with our message.
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static ImageReference fromJson(String reference) {
        try {
            return parse(reference);
        } catch (InvalidValueException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The registry host, with port if any, e.g. {@code docker.io} or {@code localhost:5000}. */
    public String registry() {
        return registry;
    }

    /** The path within the registry, e.g. {@code library/nginx}. */
    public String repository() {
        return repository;
    }

    public Optional<String> tag() {
        return Optional.ofNullable(tag);
    }

    public Optional<String> digest() {
        return Optional.ofNullable(digest);
    }

    public boolean hasDigest() {
        return digest != null;
    }

    /**
     * The tag a registry would be asked for: the written tag, else {@code latest} as Docker
     * assumes. Empty for a digest-only reference, which is pinned and has no tag to assume.
     */
    public Optional<String> tagOrLatest() {
        if (tag != null) {
            return Optional.of(tag);
        }
        return digest == null ? Optional.of(LATEST) : Optional.empty();
    }

    /** Retags an image (e.g. for a push); the digest goes, since it pinned the old content. */
    public ImageReference withTag(String tag) {
        Objects.requireNonNull(tag, "tag");
        checkTag(tag);
        return new ImageReference(registry, repository, tag, null);
    }

    /** The bare repository, for comparing images regardless of version. */
    public ImageReference withoutTagOrDigest() {
        return tag == null && digest == null ? this : new ImageReference(registry, repository, null, null);
    }

    /** {@code registry/repository}, e.g. {@code docker.io/library/nginx}. */
    public String repositoryName() {
        return registry + "/" + repository;
    }

    /**
     * The canonical full form, {@code registry/repository[:tag][@digest]}. No {@code :latest} is
     * added: that would turn a digest-only or untagged reference into a different one.
     */
    @JsonValue
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(repositoryName());
        if (tag != null) {
            out.append(':').append(tag);
        }
        if (digest != null) {
            out.append('@').append(digest);
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ImageReference that
                && registry.equals(that.registry)
                && repository.equals(that.repository)
                && Objects.equals(tag, that.tag)
                && Objects.equals(digest, that.digest);
    }

    @Override
    public int hashCode() {
        return Objects.hash(registry, repository, tag, digest);
    }

    /** Docker's rule for telling {@code host/repo} from {@code user/repo}. */
    private static boolean isRegistry(String firstComponent) {
        return firstComponent.indexOf('.') >= 0
                || firstComponent.indexOf(':') >= 0
                || firstComponent.equals("localhost")
                || !firstComponent.equals(firstComponent.toLowerCase(Locale.ROOT));
    }

    private static String normalizeRegistry(String registry) {
        return registry.equals(LEGACY_DOCKER_HUB) ? DOCKER_HUB : registry;
    }

    private static String normalizeRepository(String registry, String repository) {
        return registry.equals(DOCKER_HUB) && repository.indexOf('/') < 0 ? OFFICIAL_IMAGES + repository : repository;
    }

    private static String registryProblem(String registry) {
        String host = registry;
        String port = null;
        if (registry.startsWith("[")) {
            int close = registry.indexOf(']');
            if (close >= 0) {
                host = registry.substring(0, close + 1);
                String rest = registry.substring(close + 1);
                if (rest.startsWith(":")) {
                    port = rest.substring(1);
                } else if (!rest.isEmpty()) {
                    host = registry;
                }
            }
            if (!IPV6_HOST.matcher(host).matches()) {
                return "registry host " + quote(host) + " is not a valid bracketed IPv6 address";
            }
        } else {
            int colon = registry.indexOf(':');
            if (colon >= 0) {
                host = registry.substring(0, colon);
                port = registry.substring(colon + 1);
            }
            if (!isHostName(host)) {
                return "registry host " + quote(host) + " is not a valid host name or IPv4 address";
            }
        }
        if (port != null && !PORT.matcher(port).matches()) {
            return port.isEmpty()
                    ? "registry " + quote(registry) + " has an empty port"
                    : "registry port " + quote(port) + " is not a number";
        }
        return null;
    }

    private static boolean isHostName(String host) {
        for (String label : host.split("\\.", -1)) {
            if (!HOST_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    private static String repositoryProblem(String path) {
        if (path.isEmpty()) {
            return "missing repository name after the registry";
        }
        if (!path.equals(path.toLowerCase(Locale.ROOT))) {
            return "repository name must be lowercase";
        }
        if (path.startsWith("/")) {
            return "repository name must not start with \"/\"";
        }
        if (path.endsWith("/")) {
            return "repository name must not end with \"/\"";
        }
        if (path.contains("//")) {
            return "repository name must not contain \"//\"";
        }
        for (String component : path.split("/")) {
            if (!PATH_COMPONENT.matcher(component).matches()) {
                return "repository path component " + quote(component)
                        + " must be lowercase letters and digits joined by \".\", \"_\", \"__\" or dashes";
            }
        }
        return null;
    }

    private static String lengthProblem(String registry, String repository) {
        int length = registry.length() + 1 + repository.length();
        if (length <= MAX_NAME_LENGTH) {
            return null;
        }
        return "the full name " + quote(registry + "/" + repository) + " is " + length
                + " characters, over the limit of " + MAX_NAME_LENGTH;
    }

    private static void checkTag(String tag) {
        String problem = tagProblem(tag);
        if (problem != null) {
            throw new IllegalArgumentException("invalid tag " + quote(tag) + ": " + problem);
        }
    }

    private static String tagProblem(String tag) {
        if (tag.isEmpty()) {
            return "a tag cannot be empty";
        }
        if (tag.length() > MAX_TAG_LENGTH) {
            return "a tag is at most " + MAX_TAG_LENGTH + " characters, this one has " + tag.length();
        }
        int first = tag.codePointAt(0);
        if (!isWordChar(first)) {
            return "a tag must start with a letter, digit or \"_\"";
        }
        int bad = tag.codePoints().filter(c -> !isWordChar(c) && c != '.' && c != '-').findFirst().orElse(-1);
        if (bad >= 0) {
            return "a tag may contain only letters, digits, \"_\", \".\" and \"-\", not "
                    + quote(Character.toString(bad));
        }
        return null;
    }

    /** ASCII {@code \w}: tags are plain ASCII in the registry API. */
    private static boolean isWordChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    private static String digestProblem(String digest) {
        if (digest.isEmpty()) {
            return "a digest cannot be empty";
        }
        int colon = digest.indexOf(':');
        if (colon < 0) {
            return "a digest is algorithm:encoded, such as \"sha256:\" followed by 64 hex characters";
        }
        String algorithm = digest.substring(0, colon);
        String encoded = digest.substring(colon + 1);
        if (!DIGEST_ALGORITHM.matcher(algorithm).matches()) {
            return "digest algorithm " + quote(algorithm)
                    + " must be lowercase letters and digits joined by \"+\", \".\", \"_\" or \"-\"";
        }
        if (algorithm.equals("sha256")) {
            return SHA256_ENCODED.matcher(encoded).matches()
                    ? null
                    : "a sha256 digest needs exactly 64 lowercase hex characters after \"sha256:\"";
        }
        return OTHER_ENCODED.matcher(encoded).matches()
                ? null
                : "the part after " + quote(algorithm + ":")
                        + " must be at least 32 letters, digits, \"=\", \"_\" or \"-\"";
    }

    private static String quote(String text) {
        return '"' + text + '"';
    }
}
