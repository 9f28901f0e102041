package dev.bakery.registry.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.core.IndexFormat;
import dev.bakery.registry.Descriptor;
import dev.bakery.registry.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndexDocumentTest {

    private static final List<IndexDocument.Entry> ENTRIES = List.of(
            new IndexDocument.Entry(new Descriptor(MediaTypes.OCI_MANIFEST, "sha256:" + "a".repeat(64), 401), "linux", "amd64", null),
            new IndexDocument.Entry(new Descriptor(MediaTypes.OCI_MANIFEST, "sha256:" + "b".repeat(64), 402), "linux", "arm64", "v8"));

    @Test
    void isCompactJsonWithAFixedFieldOrder() {
        assertThat(new String(IndexDocument.build(IndexFormat.OCI, ENTRIES), StandardCharsets.UTF_8)).isEqualTo(
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                        + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + "a".repeat(64)
                        + "\",\"size\":401,\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
                        + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + "b".repeat(64)
                        + "\",\"size\":402,\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}}]}");
    }

    @Test
    void theSameInputsGiveTheSameBytes() {
        assertThat(IndexDocument.build(IndexFormat.DOCKER, ENTRIES)).isEqualTo(IndexDocument.build(IndexFormat.DOCKER, ENTRIES));
    }
}
