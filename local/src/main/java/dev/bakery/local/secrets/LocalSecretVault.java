package dev.bakery.local.secrets;

import dev.bakery.functions.builds.SecretVault;
import dev.bakery.registry.SecretReader;
import dev.bakery.local.LocalAws;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * Secrets Manager for one machine: each secret is a file readable by its owner only, under a
 * directory of the data dir ({@code <data-dir>/secrets/}), named after the secret, URL-encoded
 * ({@code bakery/builds/<id>}, the build's own secret, is {@code bakery%2Fbuilds%2F<id>}). A user
 * creates a named secret for {@code secret:} references the same way: its value, byte for byte, in
 * the file of its name ({@code ci/npm-token} in {@code secrets/ci%2Fnpm-token}); it is read at each
 * use, so no restart is needed. Agents read them through the gateway's Secrets Manager endpoint.
 * Values are never logged or put into exceptions.
 */
public final class LocalSecretVault implements SecretVault, SecretReader {

    public static final String ARN_PREFIX = "arn:aws:secretsmanager:" + LocalAws.REGION.id() + ":" + LocalAws.ACCOUNT
            + ":secret:";

    /** Reading a secret that does not exist; Secrets Manager's ResourceNotFoundException. */
    public static final class NotFound extends RuntimeException {
        NotFound(String secretId) {
            super("secret " + secretId + " not found in the local vault", null, false, false);
        }
    }

    private final Path directory;

    public LocalSecretVault(Path directory) {
        this.directory = directory;
        try {
            Files.createDirectories(directory);
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the secrets directory " + directory, e);
        }
    }

    @Override
    public String create(String name, String secretString) {
        Path file = file(name);
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, secretString, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store secret " + name + ": " + e.getMessage(), null);
        }
        return ARN_PREFIX + name;
    }

    /** Deletes it; deleting one that is gone is fine, as in Secrets Manager's vault. */
    @Override
    public void delete(String secretId) {
        remove(secretId);
    }

    /** @return false when there was no such secret */
    public boolean remove(String secretId) {
        try {
            return Files.deleteIfExists(file(name(secretId)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete secret " + secretId + ": " + e.getMessage(), null);
        }
    }

    @Override
    public String secretString(String secretId) {
        return find(secretId).orElseThrow(() -> new NotFound(secretId));
    }

    public Optional<String> find(String secretId) {
        try {
            return Optional.of(Files.readString(file(name(secretId)), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read secret " + secretId + ": " + e.getMessage(), null);
        }
    }

    /** The secret's name, from its name or its ARN. */
    public static String name(String secretId) {
        return secretId.startsWith(ARN_PREFIX) ? secretId.substring(ARN_PREFIX.length()) : secretId;
    }

    private Path file(String name) {
        // Secret names allow letters, digits and /_+=.@-; URL-encoding makes that one flat file name.
        if (!name.matches("[A-Za-z0-9/_+=.@-]{1,512}") || name.matches("\\.{1,2}")) {
            throw new IllegalArgumentException("not a secret name: " + name);
        }
        return directory.resolve(URLEncoder.encode(name, StandardCharsets.UTF_8));
    }
}
