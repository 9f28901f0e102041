package dev.bakery.local.registry;

import dev.bakery.emulators.RegistryEmulator;
import dev.bakery.registry.Login;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The registry builds push to unless the user brings one: docker-registry on a Unix socket in its
 * directory (under the 0700 data dir), behind a {@link RegistryFront} on the port the user chose,
 * which lets anyone pull and only the run's {@link #login} push.
 */
public final class LocalRegistry implements AutoCloseable {

    /** The socket's name in the registry's directory. */
    public static final String SOCKET = "registry.sock";

    private final RegistryFront front;
    private final Login login;

    private LocalRegistry(RegistryFront front, Login login) {
        this.front = front;
        this.login = login;
    }

    /**
     * Starts the front on {@code 127.0.0.1:port}; docker-registry is the caller's to start (and
     * restart) on {@link #socket}, with {@link #engine}.
     */
    public static LocalRegistry start(Path directory, int port, Login login) {
        return new LocalRegistry(RegistryFront.start(port, socket(directory), login.username() + ":" + login.password()),
                login);
    }

    /** Starts docker-registry on the directory's socket. */
    public static Supplier<RegistryEmulator> engine(Path directory) {
        return () -> RegistryEmulator.onUnixSocket(directory, socket(directory));
    }

    public static Path socket(Path directory) {
        return directory.resolve(SOCKET);
    }

    /** {@code 127.0.0.1:PORT}, as it appears in image references. */
    public String host() {
        return front.host();
    }

    /** What a push must log in with. */
    public Login login() {
        return login;
    }

    @Override
    public void close() {
        front.close();
    }
}
