package dev.bakery.registry.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.core.ImageReference;
import dev.bakery.registry.Descriptor;
import dev.bakery.registry.MediaTypes;
import dev.bakery.registry.RegistryClient;
import java.nio.charset.StandardCharsets;

/**
 * Pushes small real images blob by blob (a layer, a config naming os/architecture/variant, an OCI
 * manifest), as a builder would, so index tests need no builder.
 */
public final class TestImages {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TestImages() {
    }

    public static Descriptor push(RegistryClient client, ImageReference image, String architecture, String variant) {
        try {
            byte[] layer = ("layer of " + image + " for " + architecture).getBytes(StandardCharsets.UTF_8);
            Descriptor layerBlob = client.pushBlob(image, "application/vnd.oci.image.layer.v1.tar", layer);
            ObjectNode config = JSON.createObjectNode();
            config.put("architecture", architecture);
            config.put("os", "linux");
            if (variant != null) {
                config.put("variant", variant);
            }
            config.putObject("rootfs").put("type", "layers").putArray("diff_ids").add(layerBlob.digest());
            Descriptor configBlob = client.pushBlob(image, "application/vnd.oci.image.config.v1+json",
                    JSON.writeValueAsBytes(config));
            ObjectNode manifest = JSON.createObjectNode();
            manifest.put("schemaVersion", 2);
            manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
            manifest.set("config", descriptor(configBlob));
            manifest.putArray("layers").add(descriptor(layerBlob));
            return client.putManifest(image, MediaTypes.OCI_MANIFEST, JSON.writeValueAsBytes(manifest));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode descriptor(Descriptor d) {
        ObjectNode node = JSON.createObjectNode();
        node.put("mediaType", d.mediaType());
        node.put("digest", d.digest());
        node.put("size", d.size());
        return node;
    }
}
