package dev.bakery.registry.index;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.core.IndexFormat;
import dev.bakery.registry.Descriptor;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The bytes of a multi-arch index. Deterministic: fields in a fixed order, entries in plan order,
 * compact JSON, so publishing the same images twice gives the same digest and re-runs are no-ops.
 */
public final class IndexDocument {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One image of the index and the platform it runs on. */
    public record Entry(Descriptor manifest, String os, String architecture, String variant) {
    }

    private IndexDocument() {
    }

    public static byte[] build(IndexFormat format, List<Entry> entries) {
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", format.mediaType());
        ArrayNode manifests = index.putArray("manifests");
        for (Entry entry : entries) {
            ObjectNode m = manifests.addObject();
            m.put("mediaType", entry.manifest().mediaType());
            m.put("digest", entry.manifest().digest());
            m.put("size", entry.manifest().size());
            ObjectNode platform = m.putObject("platform");
            platform.put("architecture", entry.architecture());
            platform.put("os", entry.os());
            if (entry.variant() != null) {
                platform.put("variant", entry.variant());
            }
        }
        try {
            return JSON.writeValueAsBytes(index);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("an index always serializes", e);
        }
    }
}
