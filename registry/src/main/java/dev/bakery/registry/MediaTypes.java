package dev.bakery.registry;

import java.util.Set;

/** The manifest media types we read and write. */
public final class MediaTypes {

    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

    /** Sent as Accept on every manifest read: a registry serves other formats only when asked. */
    public static final String ACCEPT_ALL = String.join(", ", OCI_MANIFEST, DOCKER_MANIFEST, OCI_INDEX, DOCKER_LIST);

    private static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_LIST);

    private MediaTypes() {
    }

    public static boolean isIndex(String mediaType) {
        return INDEXES.contains(mediaType);
    }
}
