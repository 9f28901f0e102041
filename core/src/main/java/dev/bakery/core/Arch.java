package dev.bakery.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

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
        return name().toLowerCase(Locale.ROOT);
    }

    /** ECS {@code runtimePlatform.cpuArchitecture}. */
    public String ecsCpuArchitecture() {
        return ecsCpuArchitecture;
    }

    @JsonCreator
    static Arch fromKey(String key) {
        for (Arch a : values()) {
            if (a.key().equals(key)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown arch \"" + key + "\" (use amd64 or arm64)");
    }
}
