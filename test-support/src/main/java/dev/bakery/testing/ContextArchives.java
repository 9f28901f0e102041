package dev.bakery.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Build contexts as the CLI uploads them (tar.gz), for tests that run an agent on one. */
public final class ContextArchives {

    private ContextArchives() {
    }

    /** A tar.gz of text files, name to content. */
    public static byte[] tarGz(Map<String, String> files) {
        return tarGz(files, Map.of());
    }

    /** A tar.gz of text files and of executables (mode 0755), name to content. */
    public static byte[] tarGz(Map<String, String> files, Map<String, byte[]> executables) {
        return tarGz(files, executables, Map.of());
    }

    /** ... and symbolic links, name to target, written last as they come (a hostile archive's are). */
    public static byte[] tarGz(Map<String, String> files, Map<String, byte[]> executables, Map<String, String> symlinks) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            for (Map.Entry<String, String> file : files.entrySet()) {
                put(tar, file.getKey(), file.getValue().getBytes(StandardCharsets.UTF_8), null);
            }
            for (Map.Entry<String, byte[]> file : executables.entrySet()) {
                put(tar, file.getKey(), file.getValue(), 0755);
            }
            for (Map.Entry<String, String> link : symlinks.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(link.getKey(), TarConstants.LF_SYMLINK);
                entry.setLinkName(link.getValue());
                tar.putArchiveEntry(entry);
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The content-addressed key the API gives {@code archive}: {@code contexts/<sha256>.tar.gz}. */
    public static String key(byte[] archive) {
        return "contexts/" + HexFormat.of().formatHex(sha256(archive)) + ".tar.gz";
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Serves {@code archive} at {@code /context.tar.gz} on 127.0.0.1, as a presigned S3 GET would; the caller stops it. */
    public static HttpServer serve(byte[] archive) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/context.tar.gz", exchange -> {
            exchange.sendResponseHeaders(200, archive.length);
            exchange.getResponseBody().write(archive);
            exchange.close();
        });
        server.start();
        return server;
    }

    /** @param mode null for the default file mode */
    private static void put(TarArchiveOutputStream tar, String name, byte[] content, Integer mode) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        if (mode != null) {
            entry.setMode(mode);
        }
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }
}
