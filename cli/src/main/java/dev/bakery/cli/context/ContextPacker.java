package dev.bakery.cli.context;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * STAND-IN for the context helper's packer (no .dockerignore, no symlinks, one gzip member), so the
 * commands compile and their tests run; the real one replaces this file.
 */
public final class ContextPacker {

    private ContextPacker() {
    }

    public static PackedContext pack(Path repo, Path archive) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(repo)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(archive), sha256);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(out))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Path file : files) {
                TarArchiveEntry entry = new TarArchiveEntry(file.toFile(), repo.relativize(file).toString().replace('\\', '/'));
                entry.setModTime(0);
                tar.putArchiveEntry(entry);
                Files.copy(file, tar);
                tar.closeArchiveEntry();
            }
        }
        return new PackedContext(archive, HexFormat.of().formatHex(sha256.digest()), Files.size(archive),
                files.stream().map(f -> repo.relativize(f).toString().replace('\\', '/')).toList());
    }
}
