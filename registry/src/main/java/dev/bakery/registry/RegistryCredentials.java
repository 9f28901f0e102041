package dev.bakery.registry;

import java.util.Map;
import java.util.Optional;

/**
 * Where the client finds a login for a registry host. In AWS it reads the build's Secrets Manager
 * references or asks ECR; in tests and locally it is a plain map.
 */
@FunctionalInterface
public interface RegistryCredentials {

    /** The login for {@code registry} (host[:port]), or empty to try anonymously. */
    Optional<Login> loginFor(String registry);

    /** This one's login, else {@code fallback}'s (the local mode's own registry login, then the plan's). */
    default RegistryCredentials orElse(RegistryCredentials fallback) {
        return registry -> loginFor(registry).or(() -> fallback.loginFor(registry));
    }

    static RegistryCredentials none() {
        return registry -> Optional.empty();
    }

    static RegistryCredentials of(Map<String, Login> logins) {
        Map<String, Login> copy = Map.copyOf(logins);
        return registry -> Optional.ofNullable(copy.get(registry));
    }
}
