package dev.bakery.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays a registry token service (Docker token auth spec) on 127.0.0.1: GET
 * /token?service=&amp;scope=..., optional Basic auth.
 *
 * <p>Users in {@code users} get every action they ask for; anonymous callers get only {@code pull}
 * on repositories (and only when anonymous pull is allowed), as a subset of the request rather than
 * an error, which is what the spec asks of token services.
 */
public final class TokenServer implements AutoCloseable {

    private static final long LIFETIME_SECONDS = 300;
    private static final String ISSUER = "bakery-test-token-server";
    private static final String STORE_PASSWORD = "bakery-test";
    private static final String KEY_ALIAS = "signer";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String service;
    private final Map<String, String> users;
    private final boolean allowAnonymousPull;
    private final Path dir;
    private final Path bundle;
    private final PrivateKey key;
    private final String certificateDer;
    private final HttpServer server;
    private final ExecutorService executor;
    private final List<String> scopes = new CopyOnWriteArrayList<>();
    private final AtomicInteger issued = new AtomicInteger();

    private TokenServer(
            String service,
            Map<String, String> users,
            boolean allowAnonymousPull,
            Path dir,
            Path bundle,
            PrivateKey key,
            X509Certificate certificate)
            throws IOException, GeneralSecurityException {
        this.service = service;
        this.users = Map.copyOf(users);
        this.allowAnonymousPull = allowAnonymousPull;
        this.dir = dir;
        this.bundle = bundle;
        this.key = key;
        this.certificateDer = Base64.getEncoder().encodeToString(certificate.getEncoded());
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/token", this::handle);
        server.start();
    }

    /**
     * Starts a token service for {@code service}; {@code users} maps user names to passwords.
     *
     * <p>The signing key and self-signed certificate come from the JDK's own keytool so that the
     * tests need neither openssl nor a crypto library.
     */
    public static TokenServer start(
            String service, Map<String, String> users, boolean allowAnonymousPull) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("token-server-");
            Path keystore = dir.resolve("signer.p12");
            Path bundle = dir.resolve("root-cert-bundle.pem");
            keytool(
                    "-genkeypair", "-alias", KEY_ALIAS, "-keyalg", "RSA", "-keysize", "2048",
                    "-sigalg", "SHA256withRSA", "-validity", "2", "-dname", "CN=" + ISSUER,
                    "-storetype", "PKCS12", "-keystore", keystore.toString(),
                    "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
            keytool(
                    "-exportcert", "-rfc", "-alias", KEY_ALIAS, "-keystore", keystore.toString(),
                    "-storetype", "PKCS12", "-storepass", STORE_PASSWORD, "-file", bundle.toString());

            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                store.load(in, STORE_PASSWORD.toCharArray());
            }
            PrivateKey key = (PrivateKey) store.getKey(KEY_ALIAS, STORE_PASSWORD.toCharArray());
            X509Certificate cert = (X509Certificate) store.getCertificate(KEY_ALIAS);
            return new TokenServer(service, users, allowAnonymousPull, dir, bundle, key, cert);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LoopbackRegistry.deleteRecursively(dir);
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("cannot start the token server", e);
        }
    }

    /** {@code http://127.0.0.1:PORT/token}. */
    public URI realm() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token");
    }

    public String service() {
        return service;
    }

    public String issuer() {
        return ISSUER;
    }

    /** PEM of the self-signed signing certificate, for the registry's {@code rootcertbundle}. */
    public Path rootCertBundle() {
        return bundle;
    }

    /** Every scope asked for (granted or not), in arrival order. */
    public List<String> requestedScopes() {
        return List.copyOf(scopes);
    }

    public int tokensIssued() {
        return issued.get();
    }

    @Override
    public void close() {
        try {
            server.stop(0);
            executor.shutdownNow();
        } finally {
            LoopbackRegistry.deleteRecursively(dir);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                // The OAuth2 POST flow (refresh tokens) is not played here.
                reply(exchange, 405, error("UNSUPPORTED", "only GET is supported"));
                return;
            }
            Map<String, List<String>> query = query(exchange.getRequestURI().getRawQuery());
            String askedService = first(query, "service");
            if (askedService != null && !askedService.equals(service)) {
                // A client that echoes the wrong service from the challenge should fail visibly.
                reply(exchange, 400, error("UNKNOWN_SERVICE", "unknown service " + askedService));
                return;
            }
            List<String> asked = new ArrayList<>();
            for (String param : query.getOrDefault("scope", List.of())) {
                // OAuth2-style clients may put several scopes into one parameter, space-separated.
                for (String scope : param.trim().split(" +")) {
                    if (!scope.isEmpty()) {
                        asked.add(scope);
                    }
                }
            }
            scopes.addAll(asked);

            String user;
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization == null) {
                if (!allowAnonymousPull) {
                    challenge(exchange, "authentication required");
                    return;
                }
                user = "";
            } else {
                user = authenticate(authorization);
                if (user == null) {
                    challenge(exchange, "invalid credentials");
                    return;
                }
            }

            ArrayNode access = JSON.createArrayNode();
            for (String scope : asked) {
                Scope parsed = Scope.parse(scope);
                if (parsed == null) {
                    reply(exchange, 400, error("INVALID_SCOPE", "malformed scope " + scope));
                    return;
                }
                Set<String> actions = new LinkedHashSet<>(parsed.actions());
                if (user.isEmpty()) {
                    actions.retainAll(parsed.type().equals("repository") ? Set.of("pull") : Set.of());
                }
                ObjectNode entry = access.addObject();
                entry.put("type", parsed.type()).put("name", parsed.name());
                ArrayNode granted = entry.putArray("actions");
                actions.forEach(granted::add);
            }

            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            String token = sign(user, access, now);
            issued.incrementAndGet();
            ObjectNode body = JSON.createObjectNode();
            body.put("token", token);
            body.put("access_token", token);
            body.put("expires_in", LIFETIME_SECONDS);
            body.put("issued_at", now.toString());
            reply(exchange, 200, body);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot sign a token", e);
        }
    }

    private String sign(String subject, ArrayNode access, Instant now)
            throws IOException, GeneralSecurityException {
        ObjectNode header = JSON.createObjectNode();
        header.put("typ", "JWT").put("alg", "RS256");
        // Registry 2.8 finds the verification key through x5c (or a libtrust kid); no jwks support.
        header.putArray("x5c").add(certificateDer);

        ObjectNode claims = JSON.createObjectNode();
        claims.put("iss", ISSUER);
        claims.put("sub", subject);
        // A plain string: registry 2.8 fails to decode an array-valued aud.
        claims.put("aud", service);
        claims.put("exp", now.getEpochSecond() + LIFETIME_SECONDS);
        claims.put("nbf", now.getEpochSecond());
        claims.put("iat", now.getEpochSecond());
        claims.put("jti", UUID.randomUUID().toString());
        claims.set("access", access);

        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput =
                b64.encodeToString(JSON.writeValueAsBytes(header))
                        + "."
                        + b64.encodeToString(JSON.writeValueAsBytes(claims));
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initSign(key);
        rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + b64.encodeToString(rs256.sign());
    }

    /** The user name, or null when the credentials do not match. */
    private String authenticate(String authorization) {
        if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded =
                    new String(
                            Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String user = decoded.substring(0, colon);
        String expected = users.get(user);
        byte[] given = decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
        if (expected == null
                || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given)) {
            return null;
        }
        return user;
    }

    private void challenge(HttpExchange exchange, String message) throws IOException {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"" + realm() + "\"");
        reply(exchange, 401, error("UNAUTHORIZED", message));
    }

    private static ObjectNode error(String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("errors").addObject().put("code", code).put("message", message);
        return body;
    }

    private static void reply(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> params = new java.util.LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return params;
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** {@code type:name:actions}; the name may itself contain colons (e.g. a registry port). */
    private record Scope(String type, String name, List<String> actions) {
        static Scope parse(String scope) {
            int first = scope.indexOf(':');
            int last = scope.lastIndexOf(':');
            if (first <= 0 || last <= first + 1) {
                return null;
            }
            List<String> actions = new ArrayList<>();
            for (String action : scope.substring(last + 1).split(",")) {
                if (!action.isEmpty()) {
                    actions.add(action);
                }
            }
            return new Scope(scope.substring(0, first), scope.substring(first + 1, last), actions);
        }
    }

    private static void keytool(String... args) throws IOException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new ArrayList<>();
        command.add(keytool.toString());
        command.add("-noprompt");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("keytool timed out: " + out);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
        }
    }
}
