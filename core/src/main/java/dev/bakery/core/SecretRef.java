package dev.bakery.core;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where a secret value lives, never the value itself.
 *
 * @param secret a Secrets Manager secret name or ARN; {@code null} means this build's own secret
 *               ({@code bakery/builds/<id>}), where the server stores inline passwords
 * @param key    the JSON field inside the build's own secret; {@code null} for a named secret,
 *               whose string is the password itself or a JSON object with {@code password}
 *               (and optionally {@code username})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SecretRef(String secret, String key) {

    public SecretRef {
        if ((secret == null) == (key == null)) {
            throw new IllegalArgumentException("a secret reference names either a secret or a key of the build's secret");
        }
        if (secret != null && secret.isBlank() || key != null && key.isBlank()) {
            throw new IllegalArgumentException("a secret reference cannot be blank");
        }
    }

    public static SecretRef named(String secret) {
        return new SecretRef(secret, null);
    }

    public static SecretRef buildSecret(String key) {
        return new SecretRef(null, key);
    }

    @JsonIgnore
    public boolean isBuildSecret() {
        return secret == null;
    }
}
