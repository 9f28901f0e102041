package dev.bakery.registry;

/** What a registry says about a manifest or blob: enough to reference it from an index. */
public record Descriptor(String mediaType, String digest, long size) {
}
