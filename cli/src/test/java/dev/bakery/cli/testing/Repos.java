package dev.bakery.cli.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small repositories to build: a Dockerfile and a config.yaml. */
public final class Repos {

    /** Two architectures, so an index: {@code <registry>/team/app:1.0_amd64}, {@code _arm64}, index {@code :1.0}. */
    public static final String TWO_ARCH_CONFIG = """
            global:
              kaniko:
                destination: registry.example.com/team/app:1.0
            bake:
              - arch: amd64
              - arch: arm64
            """;

    private Repos() {
    }

    public static Path repo(Path dir, String config) {
        try {
            Files.createDirectories(dir.resolve("src"));
            Files.writeString(dir.resolve("Dockerfile"), "FROM scratch\nCOPY src/ /app/\n");
            Files.writeString(dir.resolve("src/main.txt"), "hello " + dir.getFileName() + "\n");
            Files.writeString(dir.resolve("config.yaml"), config);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
