package dev.bakery.cli.context;

import static dev.bakery.cli.context.Trees.file;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.agent.context.SafeExtractor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the packer writes, the agent's extractor and GNU tar read back into the same tree (contracts section 4). */
class ContextExtractionTest {

    @TempDir
    Path repo;
    @TempDir
    Path out;
    @TempDir
    Path extracted;

    @BeforeEach
    void tree() throws IOException {
        file(repo, "Dockerfile", "FROM scratch\nCOPY . /\n");
        file(repo, ".dockerignore", "secrets\n!secrets/public.pem\n");
        file(repo, "secrets/private.key", "never sent");
        file(repo, "secrets/public.pem", "sent");
        file(repo, "bin/run.sh", "#!/bin/sh\necho hi\n", "rwxr-xr-x");
        file(repo, "src/" + "n".repeat(150) + ".c", "long name\n");
        file(repo, "src/données.txt", "non-ASCII name\n");
        byte[] random = new byte[3 << 20];
        new Random(1).nextBytes(random);
        Files.write(repo.resolve("src/random.bin"), random); // stored, not deflated
        file(repo, "src/text.txt", "compressible line\n".repeat(200_000));
        Files.createDirectories(repo.resolve("empty"));
        Files.createSymbolicLink(repo.resolve("src/link"), Path.of("text.txt"));
    }

    @Test
    void theAgentExtractsWhatThePackerWrites() throws IOException {
        Path archive = ContextPacker.pack(repo, out.resolve("c.tar.gz")).archive();

        try (InputStream in = Files.newInputStream(archive)) {
            SafeExtractor.extract(in, extracted, SafeExtractor.Limits.DEFAULT);
        }

        assertThat(snapshot(extracted)).isEqualTo(expected());
        assertThat(Files.isExecutable(extracted.resolve("bin/run.sh"))).isTrue();
    }

    @Test
    void gnuTarExtractsWhatThePackerWrites() throws Exception {
        Path archive = ContextPacker.pack(repo, out.resolve("c.tar.gz")).archive();

        Trees.run("tar", "-xzf", archive.toString(), "-C", extracted.toString());

        assertThat(snapshot(extracted)).isEqualTo(expected());
        assertThat(Files.getAttribute(extracted.resolve("bin/run.sh"), "unix:mode")).isEqualTo(0100755);
        Trees.run("gzip", "-t", archive.toString());
    }

    @Test
    void bothReadAnArchiveOfSeveralGzipMembers() throws Exception {
        // The packer writes one member; contracts section 4 lets a packer write several, so both
        // readers must take them too. Cut the tar anywhere (here mid-entry) and gzip each part.
        Path archive = ContextPacker.pack(repo, out.resolve("c.tar.gz")).archive();
        byte[] tar;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(archive))) {
            tar = in.readAllBytes();
        }
        Path members = out.resolve("members.tar.gz");
        try (OutputStream file = Files.newOutputStream(members)) {
            int[] cuts = {0, 1000, tar.length / 3, tar.length / 2 + 7, tar.length};
            for (int i = 0; i + 1 < cuts.length; i++) {
                file.write(gzip(tar, cuts[i], cuts[i + 1]));
            }
        }

        Files.createDirectories(extracted.resolve("agent"));
        Files.createDirectories(extracted.resolve("tar"));
        try (InputStream in = Files.newInputStream(members)) {
            SafeExtractor.extract(in, extracted.resolve("agent"), SafeExtractor.Limits.DEFAULT);
        }
        Trees.run("tar", "-xzf", members.toString(), "-C", extracted.resolve("tar").toString());

        assertThat(snapshot(extracted.resolve("agent"))).isEqualTo(expected());
        assertThat(snapshot(extracted.resolve("tar"))).isEqualTo(expected());
    }

    private static byte[] gzip(byte[] data, int from, int to) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(data, from, to - from);
        }
        return bytes.toByteArray();
    }

    /** The source tree minus what .dockerignore excludes. */
    private Map<String, String> expected() throws IOException {
        Map<String, String> expected = snapshot(repo);
        expected.remove("secrets/private.key");
        return expected;
    }

    /** Every path with its kind and content (or link target). */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> tree = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.filter(p -> !p.equals(root)).toList()) {
                String name = root.relativize(path).toString();
                if (Files.isSymbolicLink(path)) {
                    tree.put(name, "link -> " + Files.readSymbolicLink(path));
                } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    tree.put(name, "directory");
                } else {
                    byte[] content = Files.readAllBytes(path);
                    tree.put(name, content.length + " bytes, hash " + java.util.Arrays.hashCode(content));
                }
            }
        }
        return tree;
    }
}
