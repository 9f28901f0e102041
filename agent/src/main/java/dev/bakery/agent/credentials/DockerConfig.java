package dev.bakery.agent.credentials;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.core.BuildTask;
import dev.bakery.core.ImageReference;
import dev.bakery.core.RegistryCredential;
import dev.bakery.registry.EcrHost;
import dev.bakery.registry.Login;
import dev.bakery.registry.RegistryCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes the builder's registry logins as a Docker {@code config.json}: {@code auths} for every
 * registry the plan has credentials for (passwords read from Secrets Manager at this moment, never
 * before), and for each ECR registry of the task's destinations and cache a token that reaches only
 * those repositories ({@code dev.bakery.registry.EcrPushSession}): the build container has no AWS
 * credential to run a credential helper with, and must not. Readable by its owner only.
 */
public final class DockerConfig {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DockerConfig() {
    }

    /** @return the logins written, so their passwords can be masked in every later log line */
    public static List<Login> write(Path file, BuildTask task, RegistryCredentials logins) throws IOException {
        ObjectNode config = JSON.createObjectNode();
        ObjectNode auths = config.putObject("auths");
        List<Login> written = new ArrayList<>();
        Set<String> registries = new LinkedHashSet<>();
        task.credentials().stream().map(RegistryCredential::registry).forEach(registries::add);
        task.destinations().stream().map(ImageReference::registry).filter(host -> EcrHost.parse(host).isPresent())
                .forEach(registries::add);
        if (task.kaniko().cache().repo() != null) {
            String cacheHost = task.kaniko().cache().repo().split("/")[0];
            if (EcrHost.parse(cacheHost).isPresent()) {
                registries.add(cacheHost);
            }
        }
        for (String registry : registries) {
            written.add(put(auths, registry, logins.loginFor(registry).orElseThrow(
                    () -> new IOException("no login could be read for " + registry))));
        }
        // Other registries pushed to or cached in get a login when one is at hand (the local mode's registry).
        Set<String> others = new LinkedHashSet<>();
        task.destinations().stream().map(ImageReference::registry).forEach(others::add);
        if (task.kaniko().cache().repo() != null) {
            others.add(task.kaniko().cache().repo().split("/")[0]);
        }
        others.removeAll(registries);
        for (String registry : others) {
            logins.loginFor(registry).ifPresent(login -> written.add(put(auths, registry, login)));
        }
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
        return written;
    }

    private static Login put(ObjectNode auths, String registry, Login login) {
        String auth = Base64.getEncoder().encodeToString((login.username() + ":" + login.password()).getBytes(StandardCharsets.UTF_8));
        // Docker Hub's key in config.json is its v1 URL, the one every client looks up.
        auths.putObject(registry.equals("docker.io") ? "https://index.docker.io/v1/" : registry).put("auth", auth);
        return login;
    }
}
