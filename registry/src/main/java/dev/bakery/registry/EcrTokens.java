package dev.bakery.registry;

import java.util.Optional;

/** Logins for ECR registries, from the caller's own IAM identity rather than a stored password. */
@FunctionalInterface
public interface EcrTokens {

    /** A login for {@code host}, or empty when ECR gave none. */
    Optional<Login> loginFor(EcrHost host);

    static EcrTokens none() {
        return host -> Optional.empty();
    }
}
