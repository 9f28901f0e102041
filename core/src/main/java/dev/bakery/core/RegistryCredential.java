package dev.bakery.core;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Login for one registry, written by the agent into {@code /kaniko/.docker/config.json}.
 *
 * @param registry host[:port] as it appears in image references
 * @param username may be null when the named secret holds a JSON object with the username
 * @param password where the password is kept
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RegistryCredential(String registry, String username, SecretRef password) {

    public RegistryCredential {
        if (registry == null || registry.isBlank()) {
            throw new IllegalArgumentException("a registry credential needs a registry");
        }
        if (password == null) {
            throw new IllegalArgumentException("a registry credential needs a password reference");
        }
        if (username == null && password.isBuildSecret()) {
            throw new IllegalArgumentException("an inline password needs a username");
        }
    }
}
