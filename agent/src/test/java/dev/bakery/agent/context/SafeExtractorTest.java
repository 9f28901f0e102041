package dev.bakery.agent.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import dev.bakery.agent.context.SafeExtractor.Limits;
import dev.bakery.agent.context.SafeExtractor.Summary;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SafeExtractorTest {

    private static final String CANARY = "canary: nothing may touch this file\n";
    private static final Limits ONE_MIB = new Limits(1 << 20, 1 << 20, 100);

    @TempDir
    Path temp;

    /** The workspace is a subdirectory so that anything escaping it lands in {@link #temp}, where it is seen. */
    private Path workspace;
    private Path canary;

    @BeforeEach
    void setUp() throws IOException {
        workspace = Files.createDirectory(temp.resolve("workspace"));
        canary = Files.writeString(temp.resolve("canary.txt"), CANARY);
    }

    // ---------------------------------------------------------------- hostile archives

    /** Builds the archive; {@code outside} is the directory holding the workspace and the canary. */
    interface Archive {
        byte[] build(Path outside) throws IOException;
    }

    record Hostile(Archive archive, Limits limits, String message) {
        Hostile(Archive archive, String message) {
            this(archive, Limits.DEFAULT, message);
        }
    }

    static Stream<Arguments> hostileArchives() {
        return Stream.of(
                argumentSet("absolute path", new Hostile(
                        outside -> new Tar().file(outside.resolve("escaped.txt").toString(), "pwned").gz(),
                        "refusing entry \"{outside}/escaped.txt\": absolute path")),
                argumentSet("../x", new Hostile(
                        outside -> new Tar().file("../canary.txt", "pwned").gz(),
                        "refusing entry \"../canary.txt\": path contains a \"..\" segment")),
                argumentSet("a/../../x", new Hostile(
                        outside -> new Tar().file("a/ok.txt", "fine").file("a/../../canary.txt", "pwned").gz(),
                        "refusing entry \"a/../../canary.txt\": path contains a \"..\" segment")),
                argumentSet("symlink to /etc/passwd", new Hostile(
                        outside -> new Tar().symlink("passwd", "/etc/passwd").gz(),
                        "refusing entry \"passwd\": symlink target \"/etc/passwd\" leaves the workspace")),
                argumentSet("symlink with a relative escape", new Hostile(
                        outside -> new Tar().dir("sub/").symlink("sub/up", "../../canary.txt").gz(),
                        "refusing entry \"sub/up\": symlink target \"../../canary.txt\" leaves the workspace")),
                argumentSet("symlink to the outside directory, then a file through it", new Hostile(
                        outside -> new Tar().symlink("out", outside.toString()).file("out/canary.txt", "pwned").gz(),
                        "refusing entry \"out\": symlink target \"{outside}\" leaves the workspace")),
                argumentSet("file written through an earlier symlink", new Hostile(
                        outside -> new Tar().dir("real/").symlink("link", "real").file("link/x.txt", "x").gz(),
                        "refusing entry \"link/x.txt\": would write through symlink \"link\" extracted earlier")),
                argumentSet("directory written through an earlier symlink", new Hostile(
                        outside -> new Tar().symlink("link", ".").dir("link/d/").gz(),
                        "refusing entry \"link/d/\": would write through symlink \"link\" extracted earlier")),
                argumentSet("file replacing an earlier symlink", new Hostile(
                        outside -> new Tar().file("target.txt", "t").symlink("link", "target.txt").file("link", "x").gz(),
                        "refusing entry \"link\": would write through symlink \"link\" extracted earlier")),
                argumentSet("symlink sent outside by a later symlink", new Hostile(
                        // "t" stays inside while d1/d2/s does not exist; once s points two levels up, t leaves.
                        outside -> new Tar().dir("d1/d2/").symlink("t", "d1/d2/s/..").symlink("d1/d2/s", "../..").gz(),
                        "refusing entry \"t\": symlink target \"d1/d2/s/..\" leaves the workspace")),
                argumentSet("symlink loop", new Hostile(
                        outside -> new Tar().symlink("a", "b").symlink("b", "a").gz(),
                        "refusing entry \"a\": symlink target \"b\" does not resolve within 40 symlinks")),
                argumentSet("hardlink to a file outside", new Hostile(
                        outside -> new Tar().hardlink("h", "../canary.txt").gz(),
                        "refusing entry \"h\": hardlink target \"../canary.txt\" is outside the workspace")),
                argumentSet("hardlink to an absolute path", new Hostile(
                        outside -> new Tar().hardlink("h", canaryOf(outside)).gz(),
                        "refusing entry \"h\": hardlink target \"{outside}/canary.txt\" is outside the workspace")),
                argumentSet("hardlink to a path not extracted yet", new Hostile(
                        outside -> new Tar().hardlink("h", "later.txt").file("later.txt", "x").gz(),
                        "refusing entry \"h\": hardlink target \"later.txt\" was not extracted before")),
                argumentSet("hardlink to a symlink", new Hostile(
                        outside -> new Tar().file("f.txt", "f").symlink("s", "f.txt").hardlink("h", "s").gz(),
                        "refusing entry \"h\": hardlink target \"s\" is not a regular file extracted by this archive")),
                argumentSet("character device", new Hostile(
                        outside -> new Tar().special("tty", TarConstants.LF_CHR).gz(),
                        "refusing entry \"tty\": character device entries are not allowed")),
                argumentSet("block device", new Hostile(
                        outside -> new Tar().special("sda", TarConstants.LF_BLK).gz(),
                        "refusing entry \"sda\": block device entries are not allowed")),
                argumentSet("fifo", new Hostile(
                        outside -> new Tar().special("pipe", TarConstants.LF_FIFO).gz(),
                        "refusing entry \"pipe\": FIFO entries are not allowed")),
                argumentSet("unknown entry type", new Hostile(
                        outside -> new Tar().special("label", (byte) 'V').gz(),
                        "refusing entry \"label\": unsupported entry type 'V'")),
                argumentSet("entry over the per-entry limit", new Hostile(
                        outside -> new Tar().file("small.bin", new byte[1024]).file("big.bin", new byte[1025]).gz(),
                        new Limits(1024, 1 << 20, 100),
                        "refusing entry \"big.bin\": larger than the per-entry limit of 1024 bytes")),
                argumentSet("several entries over the total limit", new Hostile(
                        // 512-byte header + 4000 bytes padded to 4096 each: "c.bin" would end past 12,000.
                        outside -> new Tar().file("a.bin", new byte[4000]).file("b.bin", new byte[4000]).file("c.bin", new byte[4000]).gz(),
                        new Limits(10_000, 12_000, 100),
                        "refusing entry \"c.bin\": the archive exceeds the total limit of 12000 decompressed bytes")),
                argumentSet("gzip bomb behind a header that lies small", new Hostile(
                        outside -> {
                            // The header claims 16 bytes; 8 MiB of zeros follow it in the gzip stream.
                            byte[] bomb = gzip(new Tar().file("bomb.txt", new byte[16]).tar(), 8 << 20);
                            assertThat(bomb.length).isLessThan(16 * 1024);
                            return bomb;
                        },
                        ONE_MIB,
                        "refusing archive: exceeds the total limit of 1048576 decompressed bytes")),
                argumentSet("too many entries", new Hostile(
                        outside -> new Tar().file("1.txt", "1").file("2.txt", "2").file("3.txt", "3").file("4.txt", "4").gz(),
                        new Limits(1 << 20, 1 << 20, 3),
                        "refusing entry \"4.txt\": the archive has more than 3 entries")),
                argumentSet("name longer than 4096 bytes", new Hostile(
                        outside -> new Tar().file(LONG_NAME, "x").gz(),
                        "refusing entry \"" + LONG_NAME.substring(0, 256) + "...\": name is longer than 4096 bytes")),
                argumentSet("component longer than 255 bytes", new Hostile(
                        // 128 characters but 256 bytes: the limit is on bytes.
                        outside -> new Tar().file("d/" + "é".repeat(128), "x").gz(),
                        "refusing entry \"d/" + "é".repeat(128) + "\": path component longer than 255 bytes")),
                argumentSet("duplicate entry", new Hostile(
                        outside -> new Tar().file("a.txt", "first").file("a.txt", "second").gz(),
                        "refusing entry \"a.txt\": appears twice")),
                argumentSet("file below an earlier file", new Hostile(
                        outside -> new Tar().file("f", "f").file("f/x", "x").gz(),
                        "refusing entry \"f/x\": parent \"f\" is not a directory")),
                argumentSet("non-UTF-8 name in the ustar header", new Hostile(
                        outside -> new Tar(StandardCharsets.ISO_8859_1).file("caf\u00e9.txt", "x").gz(),
                        "refusing entry \"caf\\xE9.txt\": name is not valid UTF-8")),
                argumentSet("non-UTF-8 name in a GNU long name", new Hostile(
                        outside -> new Tar(StandardCharsets.ISO_8859_1, TarArchiveOutputStream.LONGFILE_GNU)
                                .file("x".repeat(120) + "/caf\u00e9.txt", "x").gz(),
                        "refusing entry \"" + "x".repeat(120) + "/caf\\xE9.txt\": name is not valid UTF-8")),
                argumentSet("non-UTF-8 symlink target", new Hostile(
                        outside -> new Tar(StandardCharsets.ISO_8859_1).symlink("link", "caf\u00e9.txt").gz(),
                        "refusing entry \"link\": link target is not valid UTF-8")),
                argumentSet("non-UTF-8 name in a PAX header", new Hostile(
                        outside -> new Tar()
                                .pax(TarConstants.LF_PAX_EXTENDED_HEADER_LC, paxRecord("path", bytes("bad", 0xff, 0xfe, '.', 't', 'x', 't')))
                                .file("placeholder.txt", "x").gz(),
                        "refusing entry \"bad\\xFF\\xFE.txt\": name is not valid UTF-8")),
                argumentSet("global PAX header renaming every entry", new Hostile(
                        outside -> new Tar()
                                .pax(TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER, paxRecord("path", "../canary.txt".getBytes(StandardCharsets.UTF_8)))
                                .file("a.txt", "x").gz(),
                        "refusing archive: a global PAX header sets a path")),
                argumentSet("two PAX headers for one entry", new Hostile(
                        outside -> new Tar()
                                .pax(TarConstants.LF_PAX_EXTENDED_HEADER_LC, paxRecord("path", "first.txt".getBytes(StandardCharsets.UTF_8)))
                                .pax(TarConstants.LF_PAX_EXTENDED_HEADER_LC, paxRecord("path", "second.txt".getBytes(StandardCharsets.UTF_8)))
                                .file("a.txt", "x").gz(),
                        "refusing archive: two extended headers of one kind before one entry")),
                argumentSet("endless chain of extended headers", new Hostile(
                        outside -> {
                            // commons-compress recurses once per extended header: unbounded, this overflows the stack.
                            Tar tar = new Tar();
                            for (int i = 0; i < 50; i++) {
                                tar.pax(TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER, paxRecord("comment", "again".getBytes(StandardCharsets.UTF_8)));
                            }
                            return tar.file("a.txt", "x").gz();
                        },
                        "refusing archive: more than 8 extended headers before one entry")),
                argumentSet("truncated gzip", new Hostile(
                        outside -> {
                            byte[] whole = new Tar().file("a.bin", randomBytes(20_000)).file("b.bin", randomBytes(20_000)).gz();
                            return Arrays.copyOf(whole, whole.length / 2);
                        },
                        "refusing archive: the gzip data is corrupt or truncated")),
                argumentSet("gzip with a wrong checksum", new Hostile(
                        outside -> {
                            byte[] archive = new Tar().file("a.txt", "x").gz();
                            archive[archive.length - 8] ^= 0x01; // first byte of the CRC-32 trailer
                            return archive;
                        },
                        "refusing archive: the gzip data is corrupt or truncated")),
                argumentSet("not gzip at all", new Hostile(
                        outside -> new Tar().file("a.txt", "x").tar(),
                        "refusing archive: not gzip data")),
                argumentSet("gzip holding no tar", new Hostile(
                        outside -> gzip("A".repeat(2048).getBytes(StandardCharsets.US_ASCII), 0),
                        "refusing archive: corrupt tar data (Corrupted TAR archive.)")));
    }

    @ParameterizedTest
    @MethodSource("hostileArchives")
    void refusesHostileArchiveAndWritesNothingOutside(Hostile hostile) throws IOException {
        byte[] archive = hostile.archive().build(temp);
        String expected = hostile.message().replace("{outside}", temp.toString());

        assertThatThrownBy(() -> SafeExtractor.extract(new ByteArrayInputStream(archive), workspace, hostile.limits()))
                .isInstanceOfSatisfying(UnsafeArchiveException.class, e -> {
                    assertThat(e).hasMessage(expected);
                    if (e.entry() == null) {
                        assertThat(expected).startsWith("refusing archive: ");
                    } else {
                        assertThat(expected).startsWith("refusing entry \"");
                    }
                });
        assertNothingOutsideWorkspace();
    }

    @Test
    void refusalNamesTheEntry() {
        byte[] archive = new Tar().file("ok.txt", "x").file("../evil.txt", "x").gz();

        assertThatThrownBy(() -> SafeExtractor.extract(new ByteArrayInputStream(archive), workspace, Limits.DEFAULT))
                .isInstanceOfSatisfying(UnsafeArchiveException.class, e -> assertThat(e.entry()).isEqualTo("../evil.txt"));
    }

    // ---------------------------------------------------------------- well-formed archives

    @Test
    void extractsANestedTree() throws IOException {
        String longName = "long/" + "n".repeat(150) + ".txt";
        byte[] archive = new Tar()
                .dir("./")
                .file("./Dockerfile", "FROM scratch\n")
                .dir("./src/")
                .dir("./src/main/")
                .file("./src/main/App.java", "class App {}\n")
                .file("deep/er/still/file.txt", "implied parents\n")
                .file("empty.txt", "")
                .file("日本/ファイル.txt", "utf-8 names\n")
                .file(longName, "via a PAX path\n")
                .gz();

        Summary summary = SafeExtractor.extract(new ByteArrayInputStream(archive), workspace, Limits.DEFAULT);

        assertThat(workspace.resolve("Dockerfile")).hasContent("FROM scratch");
        assertThat(workspace.resolve("src/main/App.java")).hasContent("class App {}");
        assertThat(workspace.resolve("deep/er/still/file.txt")).hasContent("implied parents");
        assertThat(workspace.resolve("empty.txt")).isEmptyFile();
        assertThat(workspace.resolve("日本/ファイル.txt")).hasContent("utf-8 names");
        assertThat(workspace.resolve(longName)).hasContent("via a PAX path");
        // src, src/main, deep, deep/er, deep/er/still, 日本, long
        assertThat(summary).isEqualTo(new Summary(6, 7, 0, 13 + 13 + 16 + 0 + 12 + 15));
        assertNothingOutsideWorkspace();
    }

    @Test
    void readsPaxNamesAsUtf8() throws IOException {
        Tar tar = new Tar(StandardCharsets.US_ASCII);
        tar.out.setAddPaxHeadersForNonAsciiNames(true); // as Go's archive/tar (docker, buildkit) writes them
        byte[] archive = tar.file("café/naïve.txt", "pax").symlink("lien", "café/naïve.txt").gz();

        SafeExtractor.extract(new ByteArrayInputStream(archive), workspace, Limits.DEFAULT);

        assertThat(workspace.resolve("café/naïve.txt")).hasContent("pax");
        assertThat(Files.readSymbolicLink(workspace.resolve("lien"))).isEqualTo(Path.of("café/naïve.txt"));
    }

    @Test
    void readsGnuLongNamesAndLinks() throws IOException {
        String longName = "g".repeat(120) + "/" + "h".repeat(120) + ".txt";
        String longTarget = "g".repeat(120) + "/./" + "h".repeat(120) + ".txt";
        byte[] archive = new Tar(StandardCharsets.UTF_8, TarArchiveOutputStream.LONGFILE_GNU)
                .file(longName, "gnu")
                .symlink("link", longTarget)
                .gz();

        SafeExtractor.extract(new ByteArrayInputStream(archive), workspace, Limits.DEFAULT);

        assertThat(workspace.resolve(longName)).hasContent("gnu");
        assertThat(Files.readSymbolicLink(workspace.resolve("link"))).isEqualTo(Path.of(longTarget));
        assertThat(workspace.resolve("link")).hasContent("gnu");
    }

    @Test
    void keepsTheOwnerExecuteBitOnly() throws IOException {
        byte[] archive = new Tar()
                .file("run.sh", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), 0755)
                .file("private.txt", "p".getBytes(StandardCharsets.UTF_8), 0600)
                .file("owner-exec-only", "o".getBytes(StandardCharsets.UTF_8), 0700)
                .file("group-exec-only", "g".getBytes(StandardCharsets.UTF_8), 0654)
                .gz();

        SafeExtractor.extract(new ByteArrayInputStream(archive), workspace, Limits.DEFAULT);

        assertThat(mode("run.sh")).isEqualTo(0755);
        assertThat(mode("private.txt")).isEqualTo(0644);
        assertThat(mode("owner-exec-only")).isEqualTo(0755);
        assertThat(mode("group-exec-only")).isEqualTo(0644);
    }

    @Test
    void dropsSetuidSetgidAndSticky() throws IOException {
        byte[] archive = new Tar()
                .file("setuid", "s".getBytes(StandardCharsets.UTF_8), 04755)
                .file("setgid", "s".getBytes(StandardCharsets.UTF_8), 02644)
                .dir("shared/", 03777)
                .gz();

        SafeExtractor.extract(new ByteArrayInputStream(archive), workspace, Limits.DEFAULT);

        assertThat(mode("setuid")).isEqualTo(0755);
        assertThat(mode("setgid")).isEqualTo(0644);
        assertThat(mode("shared")).isEqualTo(0755);
    }

    @Test
    void createsSymlinksThatStayInside() throws IOException {
        byte[] archive = new Tar()
                .file("Dockerfile", "FROM scratch\n")
                .file("lib/real.txt", "real\n")
                .symlink("link", "lib/real.txt")
                .symlink("lib/up", "../Dockerfile")
                .symlink("dir-link", "lib")
                .symlink("via-link", "dir-link/./real.txt")
                .symlink("dangling", "not/there")
                .symlink("lib/root", "..")
                .gz();

        Summary summary = SafeExtractor.extract(new ByteArrayInputStream(archive), workspace, Limits.DEFAULT);

        assertThat(Files.readSymbolicLink(workspace.resolve("link"))).isEqualTo(Path.of("lib/real.txt"));
        assertThat(workspace.resolve("link")).hasContent("real");
        assertThat(workspace.resolve("lib/up")).hasContent("FROM scratch");
        assertThat(workspace.resolve("via-link")).hasContent("real");
        assertThat(workspace.resolve("dir-link/real.txt")).hasContent("real");
        assertThat(Files.isSymbolicLink(workspace.resolve("dangling"))).isTrue();
        assertThat(Files.exists(workspace.resolve("dangling"))).isFalse();
        assertThat(Files.isSymbolicLink(workspace.resolve("lib/root"))).isTrue();
        assertThat(summary).isEqualTo(new Summary(2, 1, 6, 13 + 5));
        assertNothingOutsideWorkspace();
    }

    @Test
    void createsHardlinksToEarlierFiles() throws IOException {
        byte[] archive = new Tar()
                .file("a.txt", "shared\n")
                .hardlink("b.txt", "./a.txt")
                .hardlink("sub/c.txt", "b.txt")
                .gz();

        Summary summary = SafeExtractor.extract(new ByteArrayInputStream(archive), workspace, Limits.DEFAULT);

        assertThat(Files.isSameFile(workspace.resolve("a.txt"), workspace.resolve("b.txt"))).isTrue();
        assertThat(Files.isSameFile(workspace.resolve("a.txt"), workspace.resolve("sub/c.txt"))).isTrue();
        assertThat(summary).isEqualTo(new Summary(1, 1, 2, 7));
    }

    @Test
    void countsWhatWasExtracted() throws IOException {
        byte[] archive = new Tar()
                .dir("./")
                .dir("a/")
                .file("a/one.txt", "1")
                .file("a/b/two.txt", "22")
                .file("three.txt", "333")
                .symlink("s", "three.txt")
                .hardlink("h", "three.txt")
                .gz();

        Summary summary = SafeExtractor.extract(new ByteArrayInputStream(archive), workspace, Limits.DEFAULT);

        assertThat(summary.files()).isEqualTo(3);
        assertThat(summary.directories()).isEqualTo(2); // a, a/b; not the workspace
        assertThat(summary.links()).isEqualTo(2);
        assertThat(summary.bytes()).isEqualTo(6);
    }

    @Test
    void acceptsEntriesExactlyAtTheLimits() throws IOException {
        byte[] archive = new Tar().file("a.bin", new byte[1024]).file("b.bin", new byte[1024]).gz();
        // Two 512-byte headers, two 1024-byte bodies and the tar end (two zero records, padded to 10240).
        Limits exact = new Limits(1024, 10240, 2);

        Summary summary = SafeExtractor.extract(new ByteArrayInputStream(archive), workspace, exact);

        assertThat(summary).isEqualTo(new Summary(2, 0, 0, 2048));
    }

    @Test
    void leavesTheCallersStreamOpen() throws IOException {
        byte[] archive = new Tar().file("a.txt", "x").gz();
        boolean[] closed = {false};
        InputStream in = new FilterInputStream(new ByteArrayInputStream(archive)) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };

        SafeExtractor.extract(in, workspace, Limits.DEFAULT);

        assertThat(closed[0]).isFalse();
    }

    @Test
    void passesTheCallersReadErrorThrough() {
        byte[] archive = new Tar().file("a.bin", randomBytes(100_000)).gz();
        InputStream broken = new FilterInputStream(new ByteArrayInputStream(archive, 0, archive.length / 2)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n < 0) {
                    throw new IOException("connection reset");
                }
                return n;
            }
        };

        assertThatThrownBy(() -> SafeExtractor.extract(broken, workspace, Limits.DEFAULT))
                .isExactlyInstanceOf(IOException.class)
                .hasMessage("connection reset");
    }

    @Test
    void wantsAnEmptyDirectory() throws IOException {
        byte[] archive = new Tar().file("a.txt", "x").gz();
        Files.writeString(workspace.resolve("already.txt"), "here");

        assertThatThrownBy(() -> SafeExtractor.extract(new ByteArrayInputStream(archive), workspace, Limits.DEFAULT))
                .isInstanceOf(DirectoryNotEmptyException.class);
        assertThatThrownBy(() -> SafeExtractor.extract(new ByteArrayInputStream(archive), canary, Limits.DEFAULT))
                .isInstanceOf(NotDirectoryException.class);
    }

    // ---------------------------------------------------------------- helpers

    private static final String LONG_NAME = ("d".repeat(200) + "/").repeat(21) + "f.txt";

    private int mode(String path) throws IOException {
        return (Integer) Files.getAttribute(workspace.resolve(path), "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    /** Only the workspace and the untouched canary are next to the workspace, and no link inside leads out. */
    private void assertNothingOutsideWorkspace() throws IOException {
        try (Stream<Path> siblings = Files.list(temp)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("workspace", "canary.txt");
        }
        assertThat(Files.isRegularFile(canary, LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(canary).hasContent(CANARY.strip());
        assertThat(Files.readString(canary)).isEqualTo(CANARY);
        try (Stream<Path> all = Files.walk(workspace)) {
            for (Path path : all.toList()) {
                if (Files.isSymbolicLink(path)) {
                    Path target = path.getParent().resolve(Files.readSymbolicLink(path)).normalize();
                    assertThat(target).as("symlink %s", path).startsWithRaw(workspace);
                }
            }
        }
    }

    private static String canaryOf(Path outside) {
        return outside.resolve("canary.txt").toString();
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        new Random(42).nextBytes(bytes);
        return bytes;
    }

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof String s) {
                out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
            } else if (part instanceof byte[] b) {
                out.writeBytes(b);
            } else if (part instanceof Character c) {
                out.write(c);
            } else {
                out.write((Integer) part);
            }
        }
        return out.toByteArray();
    }

    /** One PAX record, {@code "<length> <key>=<value>\n"}, with raw value bytes. */
    private static byte[] paxRecord(String key, byte[] value) {
        int body = 1 + key.length() + 1 + value.length + 1;
        int length = body + String.valueOf(body).length();
        if (String.valueOf(length).length() != String.valueOf(body).length()) {
            length++;
        }
        return bytes(length + " " + key + "=", value, "\n");
    }

    /** Gzips {@code data} followed by {@code zeros} zero bytes. */
    private static byte[] gzip(byte[] data, long zeros) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
            byte[] block = new byte[64 * 1024];
            for (long left = zeros; left > 0; left -= block.length) {
                gz.write(block, 0, (int) Math.min(block.length, left));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /** Builds tar archives with commons-compress, hostile names included. */
    private static final class Tar {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final TarArchiveOutputStream out;
        /** Headers to give another type flag once written, by offset. */
        private final Map<Long, Byte> retype = new HashMap<>();

        Tar() {
            this(StandardCharsets.UTF_8);
        }

        Tar(java.nio.charset.Charset nameEncoding) {
            this(nameEncoding, TarArchiveOutputStream.LONGFILE_POSIX);
        }

        Tar(java.nio.charset.Charset nameEncoding, int longFileMode) {
            out = new TarArchiveOutputStream(bytes, nameEncoding.name());
            out.setLongFileMode(longFileMode);
        }

        Tar file(String name, String content) {
            return file(name, content.getBytes(StandardCharsets.UTF_8));
        }

        Tar file(String name, byte[] content) {
            return file(name, content, 0644);
        }

        Tar file(String name, byte[] content, int mode) {
            TarArchiveEntry entry = new TarArchiveEntry(name, true);
            entry.setMode(0100000 | mode);
            entry.setSize(content.length);
            return put(entry, content);
        }

        Tar dir(String name) {
            return dir(name, 0755);
        }

        Tar dir(String name, int mode) {
            TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_DIR, true);
            entry.setMode(040000 | mode);
            return put(entry, new byte[0]);
        }

        Tar symlink(String name, String target) {
            TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
            entry.setLinkName(target);
            return put(entry, new byte[0]);
        }

        Tar hardlink(String name, String target) {
            TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
            entry.setLinkName(target);
            return put(entry, new byte[0]);
        }

        Tar special(String name, byte type) {
            return put(new TarArchiveEntry(name, type, true), new byte[0]);
        }

        /**
         * A hand-made extended header, for raw bytes commons-compress would not write itself. It is
         * written as a local PAX header and retyped afterwards, because commons-compress writes a
         * global header's content from its own attributes.
         */
        Tar pax(byte type, byte[] records) {
            retype.put(out.getBytesWritten(), type);
            TarArchiveEntry entry = new TarArchiveEntry("PaxHeaders/x", TarConstants.LF_PAX_EXTENDED_HEADER_LC);
            entry.setSize(records.length);
            return put(entry, records);
        }

        private Tar put(TarArchiveEntry entry, byte[] content) {
            try {
                out.putArchiveEntry(entry);
                out.write(content);
                out.closeArchiveEntry();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return this;
        }

        byte[] tar() {
            try {
                out.finish();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            byte[] tar = bytes.toByteArray();
            retype.forEach((offset, type) -> setType(tar, offset.intValue(), type));
            return tar;
        }

        /**
         * Changes a ustar header's type flag (byte 156) and recomputes its checksum (bytes 148-155:
         * the sum of the header's bytes, counting the checksum field as spaces).
         */
        private static void setType(byte[] tar, int header, byte type) {
            tar[header + 156] = type;
            int checksumAt = header + 148;
            Arrays.fill(tar, checksumAt, checksumAt + 8, (byte) ' ');
            long sum = 0;
            for (int i = header; i < header + 512; i++) {
                sum += tar[i] & 0xff;
            }
            byte[] field = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(field, 0, tar, checksumAt, field.length);
        }

        byte[] gz() {
            return gzip(tar(), 0);
        }
    }
}
