package dev.bakery.functions.builds;

/** Keeps a build's inline registry passwords in its own secret, and removes it. */
public interface SecretVault {

    /** @return the secret's ARN */
    String create(String name, String secretString);

    void delete(String secretId);
}
