package dev.bakery.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;

/** Reads what bakery-local's registry (127.0.0.1:5000) serves, as any registry client would. */
final class Registry {

    private static final String ACCEPT = String.join(", ", "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    record Document(String digest, JsonNode json) {
    }

    private Registry() {
    }

    /** The manifest or index {@code repository:reference}, with the digest the registry gives it; empty if unknown. */
    static Optional<Document> manifest(String repository, String reference) throws Exception {
        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:5000/v2/" + repository + "/manifests/" + reference)).header("Accept", ACCEPT).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new AssertionError("registry answered " + response.statusCode() + " for " + repository + ":" + reference);
        }
        return Optional.of(new Document(response.headers().firstValue("Docker-Content-Digest").orElseThrow(),
                JSON.readTree(response.body())));
    }

    static JsonNode blob(String repository, String digest) throws Exception {
        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:5000/v2/" + repository + "/blobs/" + digest)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return JSON.readTree(response.body());
    }
}
