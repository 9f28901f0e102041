package dev.bakery.agent.builder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The digest a builder writes after its push (Kaniko's --digest-file, buildah's --digestfile). */
final class DigestFile {

    private DigestFile() {
    }

    static String read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException("the builder reported success but wrote no digest to " + file);
        }
        String digest = Files.readString(file).strip();
        if (!digest.matches("sha256:[0-9a-f]{64}")) {
            throw new IOException("the builder wrote \"" + digest + "\" to " + file + ", which is not a digest");
        }
        return digest;
    }
}
