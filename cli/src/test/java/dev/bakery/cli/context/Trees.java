package dev.bakery.cli.context;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Builds test trees and reads archives back. */
final class Trees {

    private Trees() {}

    static Path file(Path root, String name, String content) throws IOException {
        Path path = root.resolve(name);
        Files.createDirectories(path.getParent());
        return Files.writeString(path, content);
    }

    static Path file(Path root, String name, String content, String permissions) throws IOException {
        Path path = file(root, name, content);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        return path;
    }

    static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }

    /** The archive's entries as commons-compress reads them. */
    static List<TarArchiveEntry> entries(Path archive) throws IOException {
        List<TarArchiveEntry> entries = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(archive));
             TarArchiveInputStream tar = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name())) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                entries.add(entry);
            }
        }
        return entries;
    }

    /** The type flag of every header block in the tar stream, special ones (long names, PAX) included. */
    static String typeFlags(Path archive) throws IOException {
        byte[] tar;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(archive))) {
            tar = in.readAllBytes();
        }
        StringBuilder flags = new StringBuilder();
        int at = 0;
        while (at + 512 <= tar.length && tar[at] != 0) {
            flags.append((char) tar[at + 156]);
            String size = new String(tar, at + 124, 11, StandardCharsets.US_ASCII).trim();
            at += 512 + (int) ((Long.parseLong(size, 8) + 511) / 512 * 512);
        }
        return flags.toString();
    }
}
