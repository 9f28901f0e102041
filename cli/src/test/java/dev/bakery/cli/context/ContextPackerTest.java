package dev.bakery.cli.context;

import static dev.bakery.cli.context.Trees.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ContextPackerTest {

    @TempDir
    Path repo;
    @TempDir
    Path out;

    /** Long and non-ASCII names, links, an empty directory and a file spanning several compression blocks. */
    private void varietyTree(Path root) throws IOException {
        file(root, "Dockerfile", "FROM scratch\nCOPY . /\n");
        file(root, "src/main.c", "int main(void) { return 0; }\n".repeat(100));
        file(root, "src/été/ünïcödé.txt", "unicode\n");
        file(root, "deep/" + "d".repeat(90) + "/" + "f".repeat(120) + ".txt", "a long name\n");
        byte[] big = new byte[5 << 20];
        new Random(7).nextBytes(big);
        Files.write(root.resolve("src/blob.bin"), big);
        Files.createDirectories(root.resolve("empty"));
        Files.createSymbolicLink(root.resolve("src/link"), Path.of("main.c"));
        Files.createSymbolicLink(root.resolve("long-link"), Path.of("deep/" + "d".repeat(90) + "/" + "f".repeat(120) + ".txt"));
    }

    private static void touchEverything(Path root, Instant when) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
                if (!Files.isSymbolicLink(path)) {
                    Files.setLastModifiedTime(path, FileTime.from(when));
                }
            }
        }
    }

    @Test
    void theSameTreeGivesTheSameBytesWhateverTheTimesAndWhereItLies(@TempDir Path copy) throws Exception {
        varietyTree(repo);
        touchEverything(repo, Instant.parse("2011-03-04T05:06:07Z"));
        PackedContext first = ContextPacker.pack(repo, out.resolve("first.tar.gz"));

        touchEverything(repo, Instant.parse("2025-12-24T18:00:00.123456789Z"));
        PackedContext second = ContextPacker.pack(repo, out.resolve("second.tar.gz"));

        varietyTree(copy); // written just now, in another directory
        PackedContext third = ContextPacker.pack(copy, out.resolve("third.tar.gz"));

        assertThat(second.sha256()).isEqualTo(first.sha256());
        assertThat(third.sha256()).isEqualTo(first.sha256());
        assertThat(Files.readAllBytes(second.archive())).isEqualTo(Files.readAllBytes(first.archive()));
        assertThat(first.sha256()).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(first.archive()))));
        assertThat(first.bytes()).isEqualTo(Files.size(first.archive()));

        Files.writeString(repo.resolve("src/main.c"), "changed");
        assertThat(ContextPacker.pack(repo, out.resolve("fourth.tar.gz")).sha256()).isNotEqualTo(first.sha256());
    }

    @Test
    void headersCarryNoTimesOwnersOrPaxRecords() throws Exception {
        varietyTree(repo);
        Path archive = ContextPacker.pack(repo, out.resolve("c.tar.gz")).archive();

        for (TarArchiveEntry entry : Trees.entries(archive)) {
            assertThat(entry.getModTime().toInstant()).as(entry.getName()).isEqualTo(DeterministicTar.MTIME.toInstant());
            assertThat(entry.getLongUserId()).isZero();
            assertThat(entry.getLongGroupId()).isZero();
            assertThat(entry.getUserName()).isEmpty();
            assertThat(entry.getGroupName()).isEmpty();
            assertThat(entry.getExtraPaxHeaders()).isEmpty();
        }
        // Only plain, directory and symlink entries, plus GNU long names ('L') and long link targets ('K').
        assertThat(Trees.typeFlags(archive)).matches("[025LK]+").contains("L", "K").doesNotContain("x", "g");
    }

    @Test
    void modesAndSymlinksArePreserved() throws Exception {
        file(repo, "bin/run.sh", "#!/bin/sh\n", "rwxr-xr-x");
        file(repo, "conf/app.conf", "x=1\n", "rw-r--r--");
        file(repo, "conf/secret", "s\n", "rw-------");
        file(repo, "bin/setuid", "x", "rwxr-xr-x");
        Files.setAttribute(repo.resolve("bin/setuid"), "unix:mode", 04755);
        Files.setPosixFilePermissions(repo.resolve("conf"), PosixFilePermissions.fromString("rwx------"));
        Files.createSymbolicLink(repo.resolve("bin/relative"), Path.of("run.sh"));
        Files.createSymbolicLink(repo.resolve("dangling"), Path.of("does/not/exist"));

        Map<String, TarArchiveEntry> entries = Trees.entries(ContextPacker.pack(repo, out.resolve("m.tar.gz")).archive())
                .stream().collect(Collectors.toMap(TarArchiveEntry::getName, Function.identity()));

        assertThat(entries.get("bin/run.sh").getMode()).isEqualTo(0755);
        assertThat(entries.get("conf/app.conf").getMode()).isEqualTo(0644);
        assertThat(entries.get("conf/secret").getMode()).isEqualTo(0600);
        assertThat(entries.get("bin/setuid").getMode()).isEqualTo(04755);
        assertThat(entries.get("conf/").isDirectory()).isTrue();
        assertThat(entries.get("conf/").getMode()).isEqualTo(0700);
        assertThat(entries.get("bin/relative").isSymbolicLink()).isTrue();
        assertThat(entries.get("bin/relative").getLinkName()).isEqualTo("run.sh");
        assertThat(entries.get("dangling").getLinkName()).isEqualTo("does/not/exist");
    }

    @Test
    void symlinksLeadingOutOfTheTreeAreStoredNotFollowed() throws Exception {
        file(repo, "Dockerfile", "FROM scratch\n");
        Files.createSymbolicLink(repo.resolve("etc"), Path.of("/etc"));
        Files.createSymbolicLink(repo.resolve("passwd"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(repo.resolve("up"), Path.of("../../.."));

        PackedContext packed = ContextPacker.pack(repo, out.resolve("h.tar.gz"));

        assertThat(packed.files()).containsExactly("Dockerfile", "etc", "passwd", "up");
        assertThat(packed.fileCount()).isEqualTo(4);
        Map<String, String> links = Trees.entries(packed.archive()).stream().filter(TarArchiveEntry::isSymbolicLink)
                .collect(Collectors.toMap(TarArchiveEntry::getName, TarArchiveEntry::getLinkName));
        assertThat(links).containsExactlyInAnyOrderEntriesOf(Map.of("etc", "/etc", "passwd", "/etc/passwd", "up", "../../.."));
    }

    @Test
    @Timeout(30)
    void symlinkLoopsAreStoredAndEndTheWalk() throws Exception {
        Files.createDirectories(repo.resolve("a/b"));
        Files.createSymbolicLink(repo.resolve("a/b/back"), Path.of("../.."));
        Files.createSymbolicLink(repo.resolve("self"), Path.of("self"));
        Files.createSymbolicLink(repo.resolve("ping"), Path.of("pong"));
        Files.createSymbolicLink(repo.resolve("pong"), Path.of("ping"));

        assertThat(ContextPacker.pack(repo, out.resolve("l.tar.gz")).files())
                .containsExactly("a/", "a/b/", "a/b/back", "ping", "pong", "self");
    }

    @Test
    @Timeout(30)
    void aNamedPipeIsRefusedByNameWithoutBeingOpened() throws Exception {
        // Even root cannot read a FIFO nobody writes to: opening it would block forever. The walk
        // refuses it from its type alone, so this fails for root as for anyone else.
        file(repo, "Dockerfile", "FROM scratch\n");
        Files.createDirectories(repo.resolve("run"));
        Trees.run("mkfifo", repo.resolve("run/events").toString());
        Path archive = out.resolve("p.tar.gz");

        assertThatThrownBy(() -> ContextPacker.pack(repo, archive))
                .isInstanceOf(ContextException.class)
                .hasMessage("cannot send " + repo.toRealPath().resolve("run/events")
                        + ": it is a named pipe (FIFO), which a build context cannot hold; add \"run/events\" to .dockerignore");
        assertThat(archive).doesNotExist();

        file(repo, ".dockerignore", "run/events\n");
        assertThat(ContextPacker.pack(repo, archive).files()).containsExactly(".dockerignore", "Dockerfile", "run/");
    }

    @Test
    void aFileThatCannotBeOpenedIsNamed() throws Exception {
        // Root reads any ordinary file, so a chmod 000 file proves nothing here. A write-only sysfs
        // attribute (a driver's "bind") refuses to be opened for reading even to root: EACCES.
        Path driver;
        try (Stream<Path> buses = Files.list(Path.of("/sys/bus"))) {
            driver = buses.flatMap(bus -> list(bus.resolve("drivers")))
                    .filter(dir -> Files.exists(dir.resolve("bind")))
                    .findFirst().orElse(null);
        }
        assumeTrue(driver != null, "this machine has no /sys/bus/*/drivers/*/bind to stand for an unreadable file");
        Path archive = out.resolve("u.tar.gz");

        assertThatThrownBy(() -> ContextPacker.pack(driver, archive))
                .isInstanceOf(ContextException.class)
                .hasMessage("cannot read " + driver.toRealPath().resolve("bind") + ": permission denied");
        assertThat(archive).doesNotExist();
    }

    private static Stream<Path> list(Path directory) {
        try {
            return Files.list(directory).toList().stream();
        } catch (IOException e) {
            return Stream.empty(); // a bus without drivers
        }
    }

    @Test
    void aDeviceFileIsRefusedByName() throws Exception {
        Trees.run("mknod", repo.resolve("null").toString(), "c", "1", "3");

        assertThatThrownBy(() -> ContextPacker.pack(repo, out.resolve("d.tar.gz")))
                .isInstanceOf(ContextException.class)
                .hasMessageStartingWith("cannot send " + repo.toRealPath().resolve("null") + ": it is a character device");
    }

    @Test
    void aMissingContextDirectoryIsNamed() {
        Path missing = repo.resolve("nope");
        assertThatThrownBy(() -> ContextPacker.pack(missing, out.resolve("x.tar.gz")))
                .isInstanceOf(ContextException.class)
                .hasMessage("the build context " + missing + " cannot be read: no such file");
    }

    @Test
    void aFileAsContextIsNamed() throws IOException {
        Path notADirectory = file(repo, "file", "x");
        assertThatThrownBy(() -> ContextPacker.pack(notADirectory, out.resolve("x.tar.gz")))
                .isInstanceOf(ContextException.class)
                .hasMessage("the build context " + notADirectory + " is not a directory");
    }

    @Test
    void fileCountLeavesOutDirectories() throws IOException {
        file(repo, "a/b/c.txt", "x");
        Files.createSymbolicLink(repo.resolve("a/l"), Path.of("b"));
        PackedContext packed = ContextPacker.pack(repo, out.resolve("n.tar.gz"));
        assertThat(packed.files()).isEqualTo(List.of("a/", "a/b/", "a/b/c.txt", "a/l"));
        assertThat(packed.fileCount()).isEqualTo(2);
    }

    @Test
    void anArchiveRemovedBeforeItIsWrittenIsNotCreatedAgain() throws IOException {
        file(repo, "Dockerfile", "FROM scratch\n");
        Path removed = out.resolve("bakery-context-1.tar.gz"); // as a signal's delete-on-exit leaves it

        assertThatThrownBy(() -> ContextPacker.pack(repo, List.of(new ContextPacker.Context(".", "Dockerfile")),
                java.util.Set.of(), removed)).isInstanceOf(java.nio.file.NoSuchFileException.class);
        assertThat(removed).doesNotExist();
    }
}
