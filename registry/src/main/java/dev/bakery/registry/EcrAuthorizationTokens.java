package dev.bakery.registry;

import dev.bakery.aws.AwsClients;
import dev.bakery.aws.AwsErrors;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;

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

    private final Function<EcrHost, EcrClient> clientFactory;
    private final Clock clock;
    private final Map<ClientKey, EcrClient> clients = new ConcurrentHashMap<>();
    private final Map<EcrHost, Token> tokens = new ConcurrentHashMap<>();

    /**
     * @param clients an ECR client for a host's region (asked once per region and FIPS-ness)
     * @param clock   decides when a cached token has expired
     */
    public EcrAuthorizationTokens(Function<EcrHost, EcrClient> clients, Clock clock) {
        this.clientFactory = Objects.requireNonNull(clients, "clients");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Production wiring: regional (or FIPS) endpoints, with the process's credentials and HTTP client. */
    public static EcrAuthorizationTokens create(AwsClients aws) {
        return new EcrAuthorizationTokens(host -> aws.in(host.region()).configure(EcrClient.builder()).fipsEnabled(host.fips()).build(), Clock.systemUTC());
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
        EcrClient client = clients.computeIfAbsent(new ClientKey(host.region(), host.fips()), k -> clientFactory.apply(host));
        List<AuthorizationData> data;
        try {
            data = client.getAuthorizationToken(r -> r.registryIds(host.account())).authorizationData();
        } catch (SdkException e) {
            throw AwsErrors.reword(e, explain(host, e));
        }
        if (data.isEmpty() || data.get(0).authorizationToken() == null) {
            return null; // nothing to cache: the next call asks again
        }
        return new Token(decode(host, data.get(0).authorizationToken()), data.get(0).expiresAt());
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

    private static String explain(EcrHost host, SdkException e) {
        String what = "ECR login for " + host.host();
        if ("AccessDeniedException".equals(AwsErrors.code(e))) {
            return "not allowed to get an " + what + ": missing IAM permission ecr:GetAuthorizationToken ("
                    + AwsErrors.describe(e) + ")";
        }
        return AwsErrors.answered(e) ? "cannot get an " + what + " (" + AwsErrors.describe(e) + ")"
                : "cannot get an " + what + ": " + e.getMessage();
    }
}
