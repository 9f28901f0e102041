package dev.bakery.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Media type of the multi-arch index: OCI by default, Docker manifest list for old registries. */
public enum IndexFormat {
    OCI("application/vnd.oci.image.index.v1+json"),
    DOCKER("application/vnd.docker.distribution.manifest.list.v2+json");

    private final String mediaType;

    IndexFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    @JsonValue
    public String key() {
        return Keys.key(this);
    }

    /** @throws IllegalArgumentException naming the valid values */
    @JsonCreator
    public static IndexFormat fromKey(String key) {
        return Keys.byKey(IndexFormat.class, "index-format", key);
    }
}
