package dev.bakery.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** CPU architectures we build natively: Fargate offers exactly these two. */
public enum Arch {
    AMD64("X86_64"), ARM64("ARM64");

    private final String ecsCpuArchitecture;

    Arch(String ecsCpuArchitecture) {
        this.ecsCpuArchitecture = ecsCpuArchitecture;
    }

    /** The OCI / config.yaml spelling. */
    @JsonValue
    public String key() {
        return Keys.key(this);
    }

    /** ECS {@code runtimePlatform.cpuArchitecture}. */
    public String ecsCpuArchitecture() {
        return ecsCpuArchitecture;
    }

    /** @throws IllegalArgumentException naming the valid values */
    @JsonCreator
    public static Arch fromKey(String key) {
        return Keys.byKey(Arch.class, "arch", key);
    }
}
