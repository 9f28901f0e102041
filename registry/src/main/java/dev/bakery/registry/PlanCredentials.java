package dev.bakery.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.core.RegistryCredential;
import dev.bakery.core.SecretRef;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The logins a build's plan gives, resolved in AWS: for a registry, the plan's credential for it
 * (its password read from Secrets Manager), else an ECR token for ECR hosts, else nothing
 * (anonymous). Each secret is read at most once per instance, so several credentials kept in the
 * build's own secret cost one GetSecretValue.
 *
 * <p>Failures throw the SDK's {@link software.amazon.awssdk.core.exception.SdkException} (AWS said no) or
 * {@link CredentialException} (the stored value does not make a login); neither message carries a
 * password. A registry whose credential cannot be resolved is an error, not anonymous access: the
 * plan asked for that login.
 */
public final class PlanCredentials implements RegistryCredentials {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOCKER_HUB = "docker.io";

    private final Map<String, RegistryCredential> byRegistry = new LinkedHashMap<>();
    private final String buildSecret;
    private final SecretReader secrets;
    private final EcrTokens ecr;
    /** Secret strings by secret id: successes only, so a transient failure is not remembered. */
    private final Map<String, String> read = new ConcurrentHashMap<>();

    /**
     * @param credentials the task's registry credentials; the first one for a registry wins
     * @param buildId     names the build's own secret, where inline passwords were stored
     */
    public PlanCredentials(List<RegistryCredential> credentials, String buildId, SecretReader secrets, EcrTokens ecr) {
        Objects.requireNonNull(buildId, "buildId");
        for (RegistryCredential credential : credentials) {
            byRegistry.putIfAbsent(normalize(credential.registry()), credential);
        }
        this.buildSecret = buildSecretName(buildId);
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.ecr = Objects.requireNonNull(ecr, "ecr");
    }

    /** The build's own secret, {@code bakery/builds/<buildId>}: a JSON object from key to password. */
    public static String buildSecretName(String buildId) {
        return "bakery/builds/" + buildId;
    }

    @Override
    public Optional<Login> loginFor(String registry) {
        String host = normalize(registry);
        RegistryCredential credential = byRegistry.get(host);
        if (credential != null) {
            return Optional.of(resolve(credential));
        }
        return EcrHost.parse(host).flatMap(ecr::loginFor);
    }

    private Login resolve(RegistryCredential credential) {
        SecretRef ref = credential.password();
        if (ref.isBuildSecret()) {
            // RegistryCredential guarantees a username for inline passwords.
            return new Login(credential.username(), buildSecretPassword(credential.registry(), ref.key()));
        }
        String value = secretString(ref.secret());
        JsonNode json = jsonObject(value);
        if (json == null) {
            return new Login(username(credential, null), value);
        }
        JsonNode password = json.get("password");
        if (password == null || !password.isTextual()) {
            throw new CredentialException("secret " + ref.secret() + " (for registry " + credential.registry()
                    + ") is a JSON object without a \"password\" string");
        }
        JsonNode user = json.get("username");
        return new Login(username(credential, user != null && user.isTextual() ? user.asText() : null), password.asText());
    }

    private static String username(RegistryCredential credential, String fromSecret) {
        if (credential.username() != null) {
            return credential.username();
        }
        if (fromSecret != null) {
            return fromSecret;
        }
        throw new CredentialException("no username for registry " + credential.registry() + ": give one in the plan or store"
                + " {\"username\": ..., \"password\": ...} in secret " + credential.password().secret());
    }

    private String buildSecretPassword(String registry, String key) {
        JsonNode json = jsonObject(secretString(buildSecret));
        if (json == null) {
            throw new CredentialException("the build's secret " + buildSecret + " is not a JSON object");
        }
        JsonNode password = json.get(key);
        if (password == null || !password.isTextual()) {
            throw new CredentialException("the build's secret " + buildSecret + " has no password under \"" + key
                    + "\" (for registry " + registry + ")");
        }
        return password.asText();
    }

    private String secretString(String secretId) {
        return read.computeIfAbsent(secretId, secrets::secretString);
    }

    /** The value as a JSON object, or null when it is anything else (a plain password). */
    private static JsonNode jsonObject(String value) {
        if (!value.stripLeading().startsWith("{")) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(value);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null; // a password that happens to start with "{"; the parser's message may quote it, so it is dropped
        }
    }

    /**
     * One spelling per registry: host names are case-insensitive, Docker config keys may be URLs
     * ({@code https://index.docker.io/v1/}), and Docker Hub has several names.
     */
    static String normalize(String registry) {
        String host = registry.strip().toLowerCase(Locale.ROOT);
        int scheme = host.indexOf("://");
        if (scheme >= 0) {
            host = host.substring(scheme + 3);
        }
        int slash = host.indexOf('/');
        if (slash >= 0) {
            host = host.substring(0, slash);
        }
        return switch (host) {
            case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com" -> DOCKER_HUB;
            default -> host;
        };
    }
}
