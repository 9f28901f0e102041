package dev.bakery.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.core.internal.InvalidValueException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ImageReferenceTest {

    private static final String SHA256 = "sha256:" + "0123456789abcdef".repeat(4);
    private static final String SHA512 = "sha512:" + "fedcba9876543210".repeat(8);
    private static final String MULTIHASH = "multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8";

    static Stream<Arguments> validReferences() {
        return Stream.of(
                // input, registry, repository, tag, digest
                arguments("nginx", "docker.io", "library/nginx", null, null),
                arguments("nginx:1.25", "docker.io", "library/nginx", "1.25", null),
                arguments("library/nginx", "docker.io", "library/nginx", null, null),
                arguments("docker.io/nginx", "docker.io", "library/nginx", null, null),
                arguments("index.docker.io/nginx", "docker.io", "library/nginx", null, null),
                arguments("index.docker.io/bitnami/redis:7", "docker.io", "bitnami/redis", "7", null),
                arguments("localhost/foo", "localhost", "foo", null, null),
                arguments("localhost:5000/foo:bar", "localhost:5000", "foo", "bar", null),
                arguments("127.0.0.1:5000/a/b/c:t", "127.0.0.1:5000", "a/b/c", "t", null),
                arguments("[::1]:5000/foo", "[::1]:5000", "foo", null, null),
                arguments("[fe80::1]/foo:v2", "[fe80::1]", "foo", "v2", null),
                arguments("registry.example.com/repo/foo:bar", "registry.example.com", "repo/foo", "bar", null),
                arguments("Registry.Example.com/foo", "Registry.Example.com", "foo", null, null),
                // Docker's rule: an uppercase first component can only be a registry.
                arguments("Foo/bar", "Foo", "bar", null, null),
                arguments("my-registry.example.com/foo", "my-registry.example.com", "foo", null, null),
                arguments("foo/bar__baz", "docker.io", "foo/bar__baz", null, null),
                arguments("foo/bar---baz", "docker.io", "foo/bar---baz", null, null),
                arguments("foo/a.b_c-d", "docker.io", "foo/a.b_c-d", null, null),
                arguments("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1",
                        "123456789012.dkr.ecr.us-east-1.amazonaws.com", "app", "v1", null),
                // Without a "/", "localhost" is a repository and "5000" its tag, as in Docker.
                arguments("localhost:5000", "docker.io", "library/localhost", "5000", null),
                arguments("foo:_private", "docker.io", "library/foo", "_private", null),
                arguments("foo:V1.2-rc_3", "docker.io", "library/foo", "V1.2-rc_3", null),
                arguments("foo:" + "t".repeat(128), "docker.io", "library/foo", "t".repeat(128), null),
                arguments("nginx@" + SHA256, "docker.io", "library/nginx", null, SHA256),
                arguments("nginx:1.25@" + SHA256, "docker.io", "library/nginx", "1.25", SHA256),
                arguments("localhost:5000/foo@" + SHA512, "localhost:5000", "foo", null, SHA512),
                arguments("foo@" + MULTIHASH, "docker.io", "library/foo", null, MULTIHASH));
    }

    @ParameterizedTest
    @MethodSource("validReferences")
    void parsesAndNormalizes(String input, String registry, String repository, String tag, String digest)
            throws InvalidValueException {
        ImageReference ref = ImageReference.parse(input);

        assertThat(ref.registry()).isEqualTo(registry);
        assertThat(ref.repository()).isEqualTo(repository);
        assertThat(ref.tag()).isEqualTo(Optional.ofNullable(tag));
        assertThat(ref.digest()).isEqualTo(Optional.ofNullable(digest));
        assertThat(ref.hasDigest()).isEqualTo(digest != null);
        assertThat(ref.repositoryName()).isEqualTo(registry + "/" + repository);
        assertThat(ref.toString()).isEqualTo(registry + "/" + repository
                + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest));
    }

    @ParameterizedTest
    @MethodSource("validReferences")
    void canonicalFormParsesBackToTheSameReference(String input) throws InvalidValueException {
        ImageReference ref = ImageReference.parse(input);

        ImageReference reparsed = ImageReference.parse(ref.toString());

        assertThat(reparsed).isEqualTo(ref).hasSameHashCodeAs(ref);
        assertThat(reparsed.toString()).isEqualTo(ref.toString());
    }

    @Test
    void acceptsANameOfExactly255Characters() throws InvalidValueException {
        String repository = "a".repeat(255 - "example.com/".length());

        ImageReference ref = ImageReference.parse("example.com/" + repository);

        assertThat(ref.repositoryName()).hasSize(255);
    }

    static Stream<Arguments> invalidReferences() {
        String longTag = "t".repeat(129);
        String longName = "a".repeat(250);
        String id = "0123456789abcdef".repeat(4);
        String upperSha = "sha256:" + "0123456789ABCDEF".repeat(4);
        return Stream.of(
                arguments("", "empty image reference"),
                arguments("Foo", "invalid image reference \"Foo\": repository name must be lowercase"),
                arguments("foo/Bar", "invalid image reference \"foo/Bar\": repository name must be lowercase"),
                arguments("example.com/Foo/bar",
                        "invalid image reference \"example.com/Foo/bar\": repository name must be lowercase"),
                arguments("foo:", "invalid tag \"\" in image reference \"foo:\": a tag cannot be empty"),
                arguments(":tag", "invalid image reference \":tag\": missing repository name"),
                arguments("@" + SHA256, "invalid image reference \"@" + SHA256 + "\": missing repository name"),
                arguments("localhost/",
                        "invalid image reference \"localhost/\": missing repository name after the registry"),
                arguments("foo@sha256:abc", "invalid digest \"sha256:abc\" in image reference \"foo@sha256:abc\":"
                        + " a sha256 digest needs exactly 64 lowercase hex characters after \"sha256:\""),
                arguments("foo@" + upperSha, "invalid digest \"" + upperSha + "\" in image reference \"foo@" + upperSha
                        + "\": a sha256 digest needs exactly 64 lowercase hex characters after \"sha256:\""),
                arguments("foo@", "invalid digest \"\" in image reference \"foo@\": a digest cannot be empty"),
                arguments("foo@abc", "invalid digest \"abc\" in image reference \"foo@abc\": a digest is"
                        + " algorithm:encoded, such as \"sha256:\" followed by 64 hex characters"),
                arguments("foo@SHA256:abc", "invalid digest \"SHA256:abc\" in image reference \"foo@SHA256:abc\":"
                        + " digest algorithm \"SHA256\" must be lowercase letters and digits joined by"
                        + " \"+\", \".\", \"_\" or \"-\""),
                arguments("foo@sha512:tooshort", "invalid digest \"sha512:tooshort\" in image reference"
                        + " \"foo@sha512:tooshort\": the part after \"sha512:\" must be at least 32 letters, digits,"
                        + " \"=\", \"_\" or \"-\""),
                arguments("foo:bad tag", "invalid tag \"bad tag\" in image reference \"foo:bad tag\": a tag may"
                        + " contain only letters, digits, \"_\", \".\" and \"-\", not \" \""),
                arguments("foo:-bad", "invalid tag \"-bad\" in image reference \"foo:-bad\":"
                        + " a tag must start with a letter, digit or \"_\""),
                arguments("foo:.bad", "invalid tag \".bad\" in image reference \"foo:.bad\":"
                        + " a tag must start with a letter, digit or \"_\""),
                arguments("foo:" + longTag, "invalid tag \"" + longTag + "\" in image reference \"foo:" + longTag
                        + "\": a tag is at most 128 characters, this one has 129"),
                arguments("foo//bar", "invalid image reference \"foo//bar\": repository name must not contain \"//\""),
                arguments("foo/bar/", "invalid image reference \"foo/bar/\": repository name must not end with \"/\""),
                arguments("/foo", "invalid image reference \"/foo\": repository name must not start with \"/\""),
                arguments("foo_/bar", "invalid image reference \"foo_/bar\": repository path component \"foo_\""
                        + " must be lowercase letters and digits joined by \".\", \"_\", \"__\" or dashes"),
                arguments("foo/bar___baz", "invalid image reference \"foo/bar___baz\": repository path component"
                        + " \"bar___baz\" must be lowercase letters and digits joined by \".\", \"_\", \"__\""
                        + " or dashes"),
                arguments("foo/-bar", "invalid image reference \"foo/-bar\": repository path component \"-bar\""
                        + " must be lowercase letters and digits joined by \".\", \"_\", \"__\" or dashes"),
                arguments(longName, "invalid image reference \"" + longName + "\": the full name \"docker.io/library/"
                        + longName + "\" is 268 characters, over the limit of 255"),
                arguments("localhost:port/foo",
                        "invalid image reference \"localhost:port/foo\": registry port \"port\" is not a number"),
                arguments("localhost:/foo",
                        "invalid image reference \"localhost:/foo\": registry \"localhost:\" has an empty port"),
                arguments("a.b_c/d", "invalid image reference \"a.b_c/d\": registry host \"a.b_c\""
                        + " is not a valid host name or IPv4 address"),
                arguments("-example.com/foo", "invalid image reference \"-example.com/foo\": registry host"
                        + " \"-example.com\" is not a valid host name or IPv4 address"),
                arguments("example..com/foo", "invalid image reference \"example..com/foo\": registry host"
                        + " \"example..com\" is not a valid host name or IPv4 address"),
                arguments("[::1/foo", "invalid image reference \"[::1/foo\": registry host \"[::1\""
                        + " is not a valid bracketed IPv6 address"),
                arguments("[::g]:5000/foo", "invalid image reference \"[::g]:5000/foo\": registry host \"[::g]\""
                        + " is not a valid bracketed IPv6 address"),
                arguments(id, "invalid image reference \"" + id
                        + "\": a 64-character hex string is an image ID, not a repository name"));
    }

    @ParameterizedTest
    @MethodSource("invalidReferences")
    void rejectsWithAPreciseMessage(String input, String message) {
        assertThatThrownBy(() -> ImageReference.parse(input))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage(message);
    }

    @Test
    void rejectsNullAsEmpty() {
        assertThatThrownBy(() -> ImageReference.parse(null))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("empty image reference");
    }

    @Test
    void tagOrLatestAssumesLatestOnlyWhenNothingPinsTheImage() throws InvalidValueException {
        assertThat(ImageReference.parse("nginx").tagOrLatest()).contains("latest");
        assertThat(ImageReference.parse("nginx:1.25").tagOrLatest()).contains("1.25");
        assertThat(ImageReference.parse("nginx@" + SHA256).tagOrLatest()).isEmpty();
        assertThat(ImageReference.parse("nginx:1.25@" + SHA256).tagOrLatest()).contains("1.25");
    }

    @Test
    void toStringDoesNotInventLatest() throws InvalidValueException {
        assertThat(ImageReference.parse("nginx")).hasToString("docker.io/library/nginx");
        assertThat(ImageReference.parse("nginx@" + SHA256)).hasToString("docker.io/library/nginx@" + SHA256);
    }

    @Test
    void withTagReplacesTheTagAndDropsTheDigest() throws InvalidValueException {
        ImageReference pinned = ImageReference.parse("ghcr.io/org/app:1.0@" + SHA256);

        ImageReference retagged = pinned.withTag("2.0");

        assertThat(retagged).hasToString("ghcr.io/org/app:2.0");
        assertThat(retagged.digest()).isEmpty();
        assertThat(pinned).hasToString("ghcr.io/org/app:1.0@" + SHA256);
    }

    @Test
    void withTagRejectsAnInvalidTag() throws InvalidValueException {
        ImageReference ref = ImageReference.parse("nginx");

        assertThatThrownBy(() -> ref.withTag("no/slash"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid tag \"no/slash\": a tag may contain only letters, digits, \"_\", \".\" and \"-\","
                        + " not \"/\"");
    }

    @Test
    void withoutTagOrDigestKeepsOnlyTheName() throws InvalidValueException {
        ImageReference ref = ImageReference.parse("localhost:5000/app:1@" + SHA256);

        ImageReference bare = ref.withoutTagOrDigest();

        assertThat(bare).hasToString("localhost:5000/app");
        assertThat(bare.tag()).isEmpty();
        assertThat(bare.digest()).isEmpty();
        assertThat(bare.withoutTagOrDigest()).isSameAs(bare);
    }

    @Test
    void equalityCoversAllFourParts() throws InvalidValueException {
        ImageReference ref = ImageReference.parse("nginx:1.25@" + SHA256);

        assertThat(ref).isEqualTo(ImageReference.parse("index.docker.io/library/nginx:1.25@" + SHA256));
        assertThat(ref).isNotEqualTo(ImageReference.parse("nginx:1.26@" + SHA256));
        assertThat(ref).isNotEqualTo(ImageReference.parse("nginx:1.25"));
        assertThat(ref).isNotEqualTo(ImageReference.parse("example.com/library/nginx:1.25@" + SHA256));
        assertThat(ref).isNotEqualTo(ImageReference.parse("nginx-alt:1.25@" + SHA256));
        assertThat(ref).isNotEqualTo(ref.toString());
    }

    @Test
    void ofNormalizesLikeParse() throws InvalidValueException {
        assertThat(ImageReference.of("index.docker.io", "nginx", "1.25", SHA256))
                .isEqualTo(ImageReference.parse("nginx:1.25@" + SHA256));
        assertThat(ImageReference.of("localhost:5000", "a/b", null, null))
                .isEqualTo(ImageReference.parse("localhost:5000/a/b"));
    }

    static Stream<Arguments> invalidParts() {
        return Stream.of(
                arguments("", "nginx", null, null, "invalid registry \"\": a registry cannot be empty"),
                arguments("myorg", "app", null, null, "invalid registry \"myorg\": it would be read as part of the"
                        + " repository name; a registry needs a \".\", a \":\" or an uppercase letter, or must be"
                        + " \"localhost\""),
                arguments("localhost:port", "app", null, null,
                        "invalid registry \"localhost:port\": registry port \"port\" is not a number"),
                arguments("docker.io", "Nginx", null, null,
                        "invalid repository \"Nginx\": repository name must be lowercase"),
                arguments("docker.io", "", null, null,
                        "invalid repository \"\": missing repository name after the registry"),
                arguments("example.com", "a".repeat(244), null, null, "invalid repository \"" + "a".repeat(244)
                        + "\": the full name \"example.com/" + "a".repeat(244) + "\" is 256 characters, over the"
                        + " limit of 255"),
                arguments("docker.io", "nginx", "", null, "invalid tag \"\": a tag cannot be empty"),
                arguments("docker.io", "nginx", null, "sha256:abc", "invalid digest \"sha256:abc\": a sha256 digest"
                        + " needs exactly 64 lowercase hex characters after \"sha256:\""));
    }

    @ParameterizedTest
    @MethodSource("invalidParts")
    void ofRejectsInvalidParts(String registry, String repository, String tag, String digest, String message) {
        assertThatThrownBy(() -> ImageReference.of(registry, repository, tag, digest))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void jsonIsTheCanonicalString() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ImageReference ref = ImageReference.parse("localhost:5000/app:1");

        assertThat(mapper.writeValueAsString(Map.of("image", ref)))
                .isEqualTo("{\"image\":\"localhost:5000/app:1\"}");
        assertThat(mapper.readValue("[\"nginx\", \"ghcr.io/org/app@" + SHA256 + "\"]",
                        new TypeReference<List<ImageReference>>() {}))
                .containsExactly(ImageReference.parse("nginx"), ImageReference.parse("ghcr.io/org/app@" + SHA256));
    }

    @Test
    void jsonRejectsAnInvalidReferenceWithOurMessage() {
        ObjectMapper mapper = new ObjectMapper();

        assertThatThrownBy(() -> mapper.readValue("\"foo/Bar\"", ImageReference.class))
                .isInstanceOf(JsonMappingException.class)
                .cause()
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid image reference \"foo/Bar\": repository name must be lowercase");
    }
}
