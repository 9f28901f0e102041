package dev.bakery.local.registry;

import dev.bakery.emulators.RegistryEmulator;
import dev.bakery.local.UserError;
import java.nio.file.Path;

/** The registry builds push to unless the user brings one: docker-registry on the port the user chose. */
public final class LocalRegistry {

    private LocalRegistry() {
    }

    /** Starts it on {@code 127.0.0.1:port} with its storage and config under {@code directory}. */
    public static RegistryEmulator start(Path directory, int port) {
        try {
            return RegistryEmulator.start(directory, port, "");
        } catch (RegistryEmulator.PortTakenException e) {
            throw new UserError("port " + port + " for the local registry is taken: pass --registry-port N, "
                    + "or --registry HOST:PORT to use a registry that is already running");
        }
    }
}
