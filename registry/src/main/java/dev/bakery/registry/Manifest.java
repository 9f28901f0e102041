package dev.bakery.registry;

/** A manifest as the registry stored it: its descriptor and its exact bytes (the digest covers them). */
public record Manifest(Descriptor descriptor, byte[] bytes) {
}
