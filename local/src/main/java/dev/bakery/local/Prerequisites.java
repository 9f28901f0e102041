package dev.bakery.local;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** What bakery-local needs from the machine, each missing piece told in one sentence. */
public final class Prerequisites {

    private final Map<String, String> environment;
    private final long uid;

    public Prerequisites(Map<String, String> environment, long uid) {
        this.environment = environment;
        this.uid = uid;
    }

    /** The checks of a start: root and buildah always, docker-registry unless the user brings a registry. */
    public void check(boolean startsRegistry) {
        if (uid != 0) {
            throw new UserError("bakery-local builds images with buildah's chroot isolation, which needs root: "
                    + "run it as root (e.g. sudo -E java -jar bakery-local.jar)");
        }
        if (find("buildah").isEmpty()) {
            throw new UserError("buildah is not installed: run apt-get install --no-install-recommends buildah");
        }
        if (startsRegistry && find("docker-registry").isEmpty()) {
            throw new UserError("docker-registry is not installed: run apt-get install docker-registry, "
                    + "or pass --registry HOST:PORT to push to a registry you run");
        }
    }

    /** An executable of that name on PATH. */
    public Optional<Path> find(String command) {
        for (String entry : environment.getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, command))) {
                return Optional.of(Path.of(entry, command));
            }
        }
        return Optional.empty();
    }

    /** This process's user id (0 is root). */
    public static long currentUid() {
        return new com.sun.security.auth.module.UnixSystem().getUid();
    }
}
