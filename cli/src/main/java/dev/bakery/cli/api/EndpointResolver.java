package dev.bakery.cli.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;

/**
 * Where the API is (contracts, section 3): {@code --endpoint URL} / {@code BAKERY_ENDPOINT} with
 * {@code --ws-endpoint} / {@code BAKERY_WS_ENDPOINT}; {@code --endpoint local} reads the local
 * mode's {@code endpoint.json}; {@code --stack NAME} reads the stack's {@code RestApiUrl} and
 * {@code WebSocketUrl} outputs. Every request is signed with SigV4 for {@code execute-api}: the local
 * mode's ({@code http://127.0.0.1}) with the run's keys from its endpoint file (only the user who
 * started it can read them), everything else from the default credential chain (or {@code --profile}),
 * in the region of the API's host name, else {@code --region} or the chain's.
 */
public final class EndpointResolver {

    /** The flags, null where not given. */
    public record Settings(String endpoint, String wsEndpoint, String stack, String region, String profile) {
    }

    private static final Pattern EXECUTE_API_HOST = Pattern.compile("[a-z0-9]+\\.execute-api\\.([a-z0-9-]+)\\.amazonaws\\.com(\\.cn)?");

    private final Map<String, String> env;
    private final Path home;

    /**
     * @param env       the environment (BAKERY_ENDPOINT, BAKERY_WS_ENDPOINT, BAKERY_LOCAL_DIR, AWS_ENDPOINT_URL_*)
     * @param home      the user's home, for {@code ~/.bakery/local}
     */
    public EndpointResolver(Map<String, String> env, Path home) {
        this.env = env;
        this.home = home;
    }

    public Endpoint resolve(Settings settings) throws InterruptedException {
        String endpoint = firstOf(settings.endpoint(), env.get("BAKERY_ENDPOINT"));
        String ws = firstOf(settings.wsEndpoint(), env.get("BAKERY_WS_ENDPOINT"));
        if (settings.stack() != null && settings.endpoint() != null) {
            throw new EndpointException("give either --endpoint or --stack, not both");
        }
        if (settings.stack() != null) {
            return fromStack(settings, ws);
        }
        if (endpoint == null) {
            throw new EndpointException("no API endpoint: pass --endpoint URL, --endpoint local (the local mode) or"
                    + " --stack NAME (a deployed Bakery stack), or set BAKERY_ENDPOINT");
        }
        if (endpoint.equals("local")) {
            return local(ws);
        }
        URI rest = url(endpoint, "--endpoint", "http", "https");
        return endpoint(rest, ws == null ? null : url(ws, "--ws-endpoint", "ws", "wss"), settings);
    }

    private Endpoint endpoint(URI rest, URI ws, Settings settings) {
        if (isLocal(rest)) {
            // A URL given by hand is the local mode only if its endpoint file names it: the keys are there.
            LocalFile local = localFile();
            if (local.json() == null || !local.json().path("rest").asText().equals(rest.toString().replaceAll("/+$", ""))) {
                throw new EndpointException(rest + " is a local address: the local mode there takes only requests signed "
                        + "with its run's credentials, which " + local.path() + " does not hold for this URL; use "
                        + "--endpoint local (with BAKERY_LOCAL_DIR set to its data dir if it is not ~/.bakery/local)");
            }
            return local(local, ws == null ? null : ws.toString());
        }
        Matcher host = EXECUTE_API_HOST.matcher(rest.getHost());
        String region = host.matches() ? host.group(1) : region(settings);
        return new Endpoint(rest, ws, new SigV4Signer(credentials(settings.profile()), region, "execute-api"));
    }

    private Endpoint fromStack(Settings settings, String ws) {
        String region = region(settings);
        Map<String, String> outputs;
        try (CloudFormationClient cloudFormation = StackOutputs.client(credentials(settings.profile()), region, env)) {
            outputs = StackOutputs.describe(cloudFormation, settings.stack());
        }
        String rest = outputs.get(StackOutputs.REST_API_URL);
        if (rest == null || rest.isBlank()) {
            throw new ApiException(0, "no_output", "stack " + settings.stack() + " (" + outputs.get("StackStatus")
                    + ") has no output " + StackOutputs.REST_API_URL + ": is it a Bakery stack, and is it deployed?", null);
        }
        String socket = ws != null ? ws : outputs.get(StackOutputs.WEBSOCKET_URL);
        return endpoint(url(rest, "stack output " + StackOutputs.REST_API_URL, "http", "https"),
                socket == null || socket.isBlank() ? null : url(socket, "the WebSocket URL", "ws", "wss"), settings);
    }

    /** The local mode's endpoint file, and its JSON (null when it is missing or unreadable). */
    private record LocalFile(Path path, JsonNode json, String problem) {
    }

    private LocalFile localFile() {
        String dir = env.get("BAKERY_LOCAL_DIR");
        Path file = (dir == null || dir.isBlank() ? home.resolve(".bakery").resolve("local") : Path.of(dir)).resolve("endpoint.json");
        try {
            return new LocalFile(file, BakeryApi.JSON.readTree(Files.readAllBytes(file)), null);
        } catch (NoSuchFileException e) {
            return new LocalFile(file, null, "the local mode is not running (no " + file + "): start it with `bakery local`");
        } catch (IOException e) {
            return new LocalFile(file, null, "cannot read " + file + ": " + e.getMessage());
        }
    }

    private Endpoint local(String ws) {
        LocalFile local = localFile();
        if (local.json() == null) {
            throw new ApiException(0, "local_not_running", local.problem(), null);
        }
        return local(local, ws);
    }

    /** The URLs, region and keys of the local mode's endpoint file. */
    private static Endpoint local(LocalFile local, String ws) {
        JsonNode json = local.json();
        Path file = local.path();
        if (json == null || !json.path("rest").isTextual()) {
            throw new ApiException(0, "local_not_running", file + " has no \"rest\" URL", null);
        }
        JsonNode keys = json.path("credentials");
        if (!keys.path("accessKeyId").isTextual() || !keys.path("secretAccessKey").isTextual()) {
            throw new ApiException(0, "local_not_running", file + " holds no credentials: it was written by an older "
                    + "bakery-local; restart bakery-local", null);
        }
        URI rest = url(json.get("rest").asText(), file.toString(), "http", "https");
        String socket = ws != null ? ws : json.path("websocket").asText(null);
        URI websocket = socket != null ? url(socket, file.toString(), "ws", "wss")
                : URI.create("ws://127.0.0.1:" + rest.getPort() + "/ws");
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(keys.get("accessKeyId").asText(),
                keys.get("secretAccessKey").asText()));
        return new Endpoint(rest, websocket, new SigV4Signer(credentials, json.path("region").asText("us-east-1"), "execute-api"));
    }

    /** The local mode: plain HTTP on 127.0.0.1. */
    public static boolean isLocal(URI uri) {
        return ("http".equals(uri.getScheme()) || "ws".equals(uri.getScheme())) && "127.0.0.1".equals(uri.getHost());
    }

    private static AwsCredentialsProvider credentials(String profile) {
        return profile == null ? DefaultCredentialsProvider.builder().build()
                : DefaultCredentialsProvider.builder().profileName(profile).build();
    }

    private static String region(Settings settings) {
        if (settings.region() != null) {
            return settings.region();
        }
        try {
            var chain = DefaultAwsRegionProviderChain.builder();
            if (settings.profile() != null) {
                chain.profileName(settings.profile());
            }
            return chain.build().getRegion().id();
        } catch (SdkClientException e) {
            throw new EndpointException("no AWS region: pass --region or set AWS_REGION");
        }
    }

    private static URI url(String text, String source, String... schemes) {
        URI uri;
        try {
            uri = URI.create(text.strip());
        } catch (IllegalArgumentException e) {
            throw new EndpointException(source + ": \"" + text + "\" is not a URL");
        }
        for (String scheme : schemes) {
            if (scheme.equals(uri.getScheme()) && uri.getHost() != null) {
                return uri;
            }
        }
        throw new EndpointException(source + ": \"" + text + "\" is not a " + String.join(":// or ", schemes) + ":// URL");
    }

    private static String firstOf(String flag, String variable) {
        if (flag != null && !flag.isBlank()) {
            return flag.strip();
        }
        return variable == null || variable.isBlank() ? null : variable.strip();
    }
}
