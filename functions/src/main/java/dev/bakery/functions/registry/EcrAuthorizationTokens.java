package dev.bakery.functions.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.functions.aws.AwsCallException;
import dev.bakery.functions.aws.AwsJsonClient;
import dev.bakery.functions.aws.AwsService;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * {@link EcrTokens} from ECR's GetAuthorizationToken, signed with our own role. A token is valid
 * for 12 hours, so it is kept until shortly before its {@code expiresAt}: a warm Lambda does not
 * ask again for every manifest.
 */
public final class EcrAuthorizationTokens implements EcrTokens {

    /** Handed-out logins must outlive the request that uses them. */
    private static final Duration EXPIRY_MARGIN = Duration.ofMinutes(5);

    private record Token(Login login, Instant expiresAt) {
    }

    private record ClientKey(String region, boolean fips) {
    }

    private final Function<EcrHost, AwsJsonClient> clientFactory;
    private final Clock clock;
    private final Map<ClientKey, AwsJsonClient> clients = new ConcurrentHashMap<>();
    private final Map<EcrHost, Token> tokens = new ConcurrentHashMap<>();

    /**
     * @param clients an ECR client for a host's region (asked once per region and FIPS-ness)
     * @param clock   decides when a cached token has expired
     */
    public EcrAuthorizationTokens(Function<EcrHost, AwsJsonClient> clients, Clock clock) {
        this.clientFactory = Objects.requireNonNull(clients, "clients");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Production wiring: regional (or FIPS) endpoints and the default credentials chain. */
    public static EcrAuthorizationTokens create() {
        return new EcrAuthorizationTokens(
                host -> AwsJsonClient.create(host.fips() ? AwsService.ECR_FIPS : AwsService.ECR, host.region()),
                Clock.systemUTC());
    }

    @Override
    public Optional<Login> loginFor(EcrHost host) {
        Token token = tokens.compute(host, (key, cached) -> cached != null && fresh(cached) ? cached : fetch(host));
        return Optional.ofNullable(token).map(Token::login);
    }

    private boolean fresh(Token token) {
        return token.expiresAt() != null && clock.instant().isBefore(token.expiresAt().minus(EXPIRY_MARGIN));
    }

    private Token fetch(EcrHost host) {
        AwsJsonClient client = clients.computeIfAbsent(new ClientKey(host.region(), host.fips()), k -> clientFactory.apply(host));
        ObjectNode request = JsonNodeFactory.instance.objectNode();
        request.putArray("registryIds").add(host.account());
        JsonNode response;
        try {
            response = client.call("GetAuthorizationToken", request);
        } catch (AwsCallException e) {
            throw new AwsCallException(explain(host, e), e);
        }
        JsonNode data = response.path("authorizationData").path(0);
        if (!data.path("authorizationToken").isTextual()) {
            return null; // nothing to cache: the next call asks again
        }
        Login login = decode(host, data.get("authorizationToken").asText());
        JsonNode expires = data.get("expiresAt");
        // AWS JSON timestamps are epoch seconds, possibly fractional.
        Instant expiresAt = expires != null && expires.isNumber()
                ? Instant.ofEpochMilli(Math.round(expires.asDouble() * 1000)) : null;
        return new Token(login, expiresAt);
    }

    /** The token is base64 of {@code AWS:<password>}. */
    private static Login decode(EcrHost host, String token) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new CredentialException("ECR returned an authorization token for " + host.host() + " that is not base64");
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            throw new CredentialException("ECR returned an authorization token for " + host.host() + " that is not user:password");
        }
        return new Login(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    private static String explain(EcrHost host, AwsCallException e) {
        String what = "ECR login for " + host.host();
        if ("AccessDeniedException".equals(e.errorType())) {
            return "not allowed to get an " + what + ": missing IAM permission ecr:GetAuthorizationToken ("
                    + e.awsError() + ")";
        }
        return e.status() == 0 ? "cannot get an " + what + ": " + e.getMessage()
                : "cannot get an " + what + " (" + e.awsError() + ")";
    }
}
