package dev.bakery.functions.builds;

import dev.bakery.functions.aws.BuildSecrets;
import java.util.Map;

/** Per-build secrets in Secrets Manager, tagged so they can be found and audited. */
public final class SecretsManagerVault implements SecretVault {

    private final BuildSecrets secrets;

    public SecretsManagerVault(BuildSecrets secrets) {
        this.secrets = secrets;
    }

    @Override
    public String create(String name, String secretString) {
        return secrets.create(name, secretString, Map.of("bakery:purpose", "inline registry passwords"));
    }

    @Override
    public void delete(String secretId) {
        secrets.delete(secretId);
    }
}
