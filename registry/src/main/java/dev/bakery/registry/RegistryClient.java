package dev.bakery.registry;

import dev.bakery.core.Digests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.core.retry.Backoff;
import dev.bakery.core.ImageReference;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A small OCI Distribution (registry v2) client: manifests, blobs, and the login dance (Basic, or a
 * Bearer token from the registry's token service, anonymous included).
 *
 * <p>Why not Jib's registry client: it is {@code jib-core}'s internal API (only {@code api} is
 * public), so it can change under us in any release; and we need only a handful of calls. Why not a
 * Docker SDK: there is no daemon anywhere in Bakery.
 */
public final class RegistryClient {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_BLOB_BYTES = 8 << 20; // config blobs are a few KiB; a limit keeps a bad registry from OOMing us
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final RegistryCredentials credentials;
    private final int attempts;
    private final Backoff backoff;
    /** Authorization header per registry and scope, reused until the registry says 401 again. */
    private final Map<String, String> authorizations = new ConcurrentHashMap<>();

    public RegistryClient(RegistryCredentials credentials) {
        this(credentials, 4, new Backoff(Duration.ofMillis(250), Duration.ofSeconds(4)));
    }

    /**
     * @param attempts tries per request on 429, 5xx and connection errors
     * @param backoff  the waits between tries, unless the registry says how long (Retry-After)
     */
    public RegistryClient(RegistryCredentials credentials, int attempts, Backoff backoff) {
        // Redirects are followed by hand: a blob redirect points at storage (S3) that must not get our Authorization.
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.credentials = credentials;
        this.attempts = attempts;
        this.backoff = backoff;
    }

    /** The manifest's descriptor, or empty when the registry has no such tag or digest. */
    public Optional<Descriptor> head(ImageReference image) {
        HttpResponse<byte[]> r = send(image, "pull", "read manifest " + image,
                () -> request(manifestUri(image)).method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .header("Accept", MediaTypes.ACCEPT_ALL));
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        expect(r, 200, "read manifest " + image);
        Optional<String> digest = r.headers().firstValue("Docker-Content-Digest");
        long length = r.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (digest.isEmpty() || length < 0) {
            return Optional.of(manifest(image).descriptor()); // some registries answer HEAD without them
        }
        return Optional.of(new Descriptor(contentType(r), digest.get(), length));
    }

    /** The manifest's exact bytes; fails naming the image when it is missing. */
    public Manifest manifest(ImageReference image) {
        HttpResponse<byte[]> r = send(image, "pull", "read manifest " + image,
                () -> request(manifestUri(image)).GET().header("Accept", MediaTypes.ACCEPT_ALL));
        if (r.statusCode() == 404) {
            throw new RegistryException(image + " is not in registry " + image.registry(), 404);
        }
        expect(r, 200, "read manifest " + image);
        String digest = Digests.sha256(r.body());
        if (image.digest().isPresent() && !image.digest().get().equals(digest)) {
            throw new RegistryException("registry " + image.registry() + " returned content with digest " + digest
                    + " for " + image, r.statusCode());
        }
        return new Manifest(new Descriptor(contentType(r), digest, r.body().length), r.body());
    }

    /** A blob of the image's repository, e.g. an image config. */
    public byte[] blob(ImageReference repository, String digest) {
        String what = "read blob " + digest + " of " + repository.repositoryName();
        HttpResponse<byte[]> r = send(repository, "pull", what,
                () -> request(apiUri(repository, "blobs/" + digest)).GET());
        for (int hops = 0; isRedirect(r.statusCode()) && hops < 5; hops++) {
            URI location = r.uri().resolve(r.headers().firstValue("Location").orElseThrow(
                    () -> new RegistryException("registry " + repository.registry() + " redirected without a Location", 0)));
            r = sendPlain(location, what);
        }
        if (r.statusCode() == 404) {
            throw new RegistryException("blob " + digest + " is not in " + repository.repositoryName(), 404);
        }
        expect(r, 200, what);
        if (r.body().length > MAX_BLOB_BYTES) {
            throw new RegistryException(what + ": larger than " + (MAX_BLOB_BYTES >> 20) + " MiB", r.statusCode());
        }
        if (!Digests.sha256(r.body()).equals(digest)) {
            throw new RegistryException(what + ": content does not match its digest", r.statusCode());
        }
        return r.body();
    }

    /** Puts a manifest (or index) under the image's tag and returns what the registry stored. */
    public Descriptor putManifest(ImageReference image, String mediaType, byte[] body) {
        String what = "push " + image;
        HttpResponse<byte[]> r = send(image, "pull,push", what, () -> request(manifestUri(image))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", mediaType));
        if (r.statusCode() != 201 && r.statusCode() != 200) {
            String error = registryError(r);
            if (error.toLowerCase(java.util.Locale.ROOT).contains("immutable")) {
                throw new RegistryException("tag " + image.tag().orElse("?") + " is immutable in " + image.repositoryName()
                        + ": the registry refuses to move it (" + error + "); publish to a new tag", r.statusCode());
            }
            throw new RegistryException(what + " failed: HTTP " + r.statusCode() + ": " + error, r.statusCode());
        }
        String digest = Digests.sha256(body);
        String stored = r.headers().firstValue("Docker-Content-Digest").orElse(digest);
        if (!stored.equals(digest)) {
            throw new RegistryException(what + ": registry stored digest " + stored + ", expected " + digest, r.statusCode());
        }
        return new Descriptor(mediaType, digest, body.length);
    }

    /** Uploads a blob in one request (skipped when the repository has it already). */
    public Descriptor pushBlob(ImageReference repository, String mediaType, byte[] data) {
        String digest = Digests.sha256(data);
        String what = "upload blob " + digest + " to " + repository.repositoryName();
        HttpResponse<byte[]> exists = send(repository, "pull,push", what,
                () -> request(apiUri(repository, "blobs/" + digest)).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        if (exists.statusCode() == 200) {
            return new Descriptor(mediaType, digest, data.length);
        }
        HttpResponse<byte[]> started = send(repository, "pull,push", what,
                () -> request(apiUri(repository, "blobs/uploads/")).POST(HttpRequest.BodyPublishers.noBody()));
        expect(started, 202, what);
        URI location = started.uri().resolve(started.headers().firstValue("Location").orElseThrow(
                () -> new RegistryException(what + ": the registry gave no upload location", started.statusCode())));
        String separator = location.getRawQuery() == null ? "?" : "&";
        URI target = URI.create(location + separator + "digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8));
        HttpResponse<byte[]> done = send(repository, "pull,push", what, () -> request(target)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(data)).header("Content-Type", "application/octet-stream"));
        expect(done, 201, what);
        return new Descriptor(mediaType, digest, data.length);
    }

    // --- transport -------------------------------------------------------------------------------

    private HttpResponse<byte[]> send(ImageReference image, String actions, String what,
            Supplier<HttpRequest.Builder> request) {
        String registry = image.registry();
        String scope = "repository:" + image.repository() + ":" + actions;
        String key = registry + " " + scope;
        boolean loggedIn = false;
        int attempt = 1;
        while (true) {
            HttpRequest.Builder builder = request.get();
            String authorization = authorizations.get(key);
            if (authorization != null) {
                builder.header("Authorization", authorization);
            }
            HttpResponse<byte[]> r;
            try {
                r = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                if (attempt++ >= attempts) {
                    throw new RegistryException("cannot reach registry " + registry + " to " + what + ": " + e, e);
                }
                pause(attempt, null);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryException("interrupted while trying to " + what, e);
            }
            int status = r.statusCode();
            if (status == 401 && !loggedIn) {
                authorizations.put(key, authorize(registry, scope, r));
                loggedIn = true;
                continue;
            }
            if ((status == 429 || status >= 500) && attempt < attempts) {
                attempt++;
                pause(attempt, r);
                continue;
            }
            if (status == 401 || status == 403) {
                String who = credentials.loginFor(registry).map(l -> "user " + l.username()).orElse("anonymous access");
                throw new RegistryException("registry " + registry + " denied " + who + " to " + what + " (HTTP " + status
                        + ", scope " + scope + "): " + registryError(r) + "; check the credentials for " + registry, status);
            }
            if (status == 429 || status >= 500) {
                throw new RegistryException("registry " + registry + " kept failing to " + what + " (HTTP " + status
                        + " after " + attempts + " tries): " + registryError(r), status);
            }
            return r;
        }
    }

    /** Answers a 401 challenge with a Basic login or a Bearer token from the registry's token service. */
    private String authorize(String registry, String scope, HttpResponse<byte[]> unauthorized) {
        List<Challenge> challenges = unauthorized.headers().allValues("WWW-Authenticate").stream()
                .flatMap(h -> Challenge.parse(h).stream()).toList();
        Optional<Login> login = credentials.loginFor(registry);
        Optional<Challenge> bearer = challenges.stream().filter(c -> c.scheme().equals("bearer")).findFirst();
        if (bearer.isPresent()) {
            return "Bearer " + token(registry, scope, bearer.get(), login);
        }
        if (challenges.stream().anyMatch(c -> c.scheme().equals("basic"))) {
            return login.map(Login::basicHeader).orElseThrow(() -> new RegistryException("registry " + registry
                    + " requires a login and none is configured: add kaniko-credentials for " + registry, 401));
        }
        throw new RegistryException("registry " + registry + " answered 401 without a challenge we understand: "
                + unauthorized.headers().allValues("WWW-Authenticate"), 401);
    }

    private String token(String registry, String scope, Challenge challenge, Optional<Login> login) {
        String realm = challenge.param("realm");
        if (realm == null || realm.isBlank()) {
            throw new RegistryException("registry " + registry + " asked for a token without saying where to get it (no realm)", 401);
        }
        StringBuilder query = new StringBuilder();
        if (challenge.param("service") != null) {
            query.append("service=").append(URLEncoder.encode(challenge.param("service"), StandardCharsets.UTF_8)).append('&');
        }
        query.append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        URI uri = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET();
        login.ifPresent(l -> request.header("Authorization", l.basicHeader()));
        HttpResponse<byte[]> r;
        try {
            r = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new RegistryException("cannot reach the token service " + realm + " of registry " + registry + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted while getting a token from " + realm, e);
        }
        String who = login.map(l -> "user " + l.username()).orElse("anonymous access");
        if (r.statusCode() != 200) {
            throw new RegistryException("the token service " + realm + " of registry " + registry + " refused " + who
                    + " for scope " + scope + " (HTTP " + r.statusCode() + ")"
                    + (login.isEmpty() ? ": add kaniko-credentials for " + registry : ": check the credentials"), r.statusCode());
        }
        try {
            JsonNode body = JSON.readTree(r.body());
            String token = body.path("token").asText(body.path("access_token").asText(""));
            if (token.isEmpty()) {
                throw new RegistryException("the token service " + realm + " answered without a token", r.statusCode());
            }
            return token;
        } catch (IOException e) {
            throw new RegistryException("the token service " + realm + " answered something that is not JSON", e);
        }
    }

    private HttpResponse<byte[]> sendPlain(URI uri, String what) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new RegistryException("cannot " + what + " from " + uri.getHost() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted while trying to " + what, e);
        }
    }

    private void pause(int attempt, HttpResponse<byte[]> response) {
        long millis = backoff.pause(attempt - 1).toMillis();
        if (response != null) {
            millis = response.headers().firstValue("Retry-After").filter(v -> v.matches("\\d{1,3}"))
                    .map(v -> Math.min(Long.parseLong(v), 30) * 1000).orElse(millis);
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted while waiting to retry", e);
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT);
    }

    private static URI manifestUri(ImageReference image) {
        String reference = image.digest().orElseGet(() -> image.tag().orElse("latest"));
        return apiUri(image, "manifests/" + reference);
    }

    private static URI apiUri(ImageReference image, String path) {
        return URI.create(baseUri(image.registry()) + "/v2/" + image.repository() + "/" + path);
    }

    /** Loopback registries speak plain HTTP (local mode, tests); every other registry HTTPS. */
    static String baseUri(String registry) {
        String host = registry.equals("docker.io") ? "registry-1.docker.io" : registry;
        String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1) : host.split(":")[0];
        boolean loopback = name.equals("localhost") || name.startsWith("127.") || name.equals("[::1]");
        return (loopback ? "http://" : "https://") + host;
    }

    private static String contentType(HttpResponse<?> r) {
        return r.headers().firstValue("Content-Type").map(t -> t.split(";")[0].trim()).orElse("");
    }

    private static void expect(HttpResponse<byte[]> r, int status, String what) {
        if (r.statusCode() != status) {
            throw new RegistryException("cannot " + what + ": HTTP " + r.statusCode() + ": " + registryError(r), r.statusCode());
        }
    }

    /** The registry's own words: {@code {"errors":[{"code","message","detail"}]}} when it sent them. */
    private static String registryError(HttpResponse<byte[]> r) {
        try {
            JsonNode errors = JSON.readTree(r.body()).path("errors");
            if (errors.isArray() && !errors.isEmpty()) {
                StringBuilder out = new StringBuilder();
                for (JsonNode e : errors) {
                    if (!out.isEmpty()) {
                        out.append("; ");
                    }
                    out.append(e.path("code").asText()).append(' ').append(e.path("message").asText());
                    if (e.hasNonNull("detail") && !e.path("detail").isEmpty()) {
                        out.append(" (").append(e.path("detail")).append(')');
                    }
                }
                return out.toString();
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: fall through to the raw text
        }
        String text = new String(r.body(), StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? "no details" : text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
