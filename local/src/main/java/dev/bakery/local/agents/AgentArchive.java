package dev.bakery.local.agents;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The class-data-sharing archive agents start from: their JVM maps the classes it holds instead of
 * loading them from the jars (about half the agent's start). An archive is only good for the Java
 * build and the exact jars it was written with, so its name carries a hash of those (the Java's
 * runtime version and home, the agent's command, each jar's size and modification time): a new Java
 * or a new bakery gets a new one. The first agent that runs while there is none writes it as it exits
 * (so it holds every class a build loads; the dump delays that build's end), to a temporary file
 * that is checked whole (a stopped agent leaves half of one) and moved into place once the agent is
 * gone. Java checks an archive again when mapping it and starts without it when it does not match,
 * silently: its cds log is off, since an agent's stdout is its build log.
 *
 * <p>Not the JVM's own {@code -XX:+AutoCreateSharedArchive}: with it every agent started while there
 * is no valid archive dumps one as it exits (both agents of a multi-arch build, into the same file, each
 * delaying its build's end), and nothing checks a dump before the next agent maps it.
 */
final class AgentArchive {

    private static final Logger LOG = LoggerFactory.getLogger(AgentArchive.class);
    /** The JVM's own notes on the archive would land in the build log. */
    private static final String QUIET = "-Xlog:cds*=off";
    /** A failed dump ends the JVM with exit code 1, which would fail the build: only with room to spare. */
    private static final long SPACE_NEEDED = 512L << 20;

    private final Path file;
    private final List<String> command;
    private final boolean writable;
    private final AtomicBoolean writing = new AtomicBoolean();

    private AgentArchive(Path file, List<String> command, boolean writable) {
        this.file = file;
        this.command = List.copyOf(command);
        this.writable = writable;
    }

    /** The archive of {@code command}'s agents in {@code dir}, whether there is one yet or not. */
    static AgentArchive of(Path dir, List<String> command) {
        MessageDigest hash;
        try {
            hash = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        hash.update((System.getProperty("java.runtime.version") + "\n" + System.getProperty("java.home") + "\n"
                + String.join("\n", command)).getBytes(StandardCharsets.UTF_8));
        // Java archives classes from jars only: a directory on the classpath (a test run's target/classes) means none.
        boolean writable = true;
        int cp = command.indexOf("-cp");
        for (String entry : cp < 0 ? List.<String>of() : List.of(command.get(cp + 1).split(File.pathSeparator))) {
            Path jar = Path.of(entry);
            try {
                hash.update((Files.size(jar) + "@" + Files.getLastModifiedTime(jar).toMillis() + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // gone: nothing to archive from it
            }
            writable &= Files.isRegularFile(jar);
        }
        return new AgentArchive(dir.resolve("agent-" + HexFormat.of().formatHex(hash.digest(), 0, 8) + ".jsa"), command,
                writable);
    }

    /**
     * The JVM options of the next agent: the archive's once it exists; otherwise, for one agent at a
     * time, those that write it as it exits ({@link Start#writes}); none while that runs, or when Java
     * cannot archive these jars (a directory on the classpath, as in a test run) or the disk is full.
     */
    Start next() {
        if (Files.isRegularFile(file)) {
            return new Start(List.of("-XX:SharedArchiveFile=" + file, QUIET), false);
        }
        if (!writable || !writing.compareAndSet(false, true)) {
            return new Start(List.of(), false);
        }
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(temporary());
            if (Files.getFileStore(file.getParent()).getUsableSpace() < SPACE_NEEDED) {
                return new Start(List.of(), false); // and no further try in this run
            }
        } catch (IOException e) {
            LOG.info("agents start without a class-data archive: {}", e.getMessage());
            return new Start(List.of(), false);
        }
        return new Start(List.of("-XX:ArchiveClassesAtExit=" + temporary(), QUIET), true);
    }

    /** An agent's archive options, and whether it writes the archive. */
    record Start(List<String> options, boolean writes) {
    }

    /**
     * After the writing agent exited: the archive, once Java mapped it whole with the agents' own
     * command and checked every region's checksum, in place (atomically: no agent maps half of it),
     * older ones removed. No further try in this run when it is not there or not whole.
     */
    void written() {
        try {
            List<String> check = new ArrayList<>(command);
            check.addAll(List.of("-XX:SharedArchiveFile=" + temporary(), "-Xshare:on", "-XX:+VerifySharedSpaces", QUIET,
                    "-version"));
            Process java = new ProcessBuilder(check).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!java.waitFor(60, TimeUnit.SECONDS) || java.exitValue() != 0) {
                java.destroyForcibly();
                Files.deleteIfExists(temporary());
                throw new IOException("the agent wrote none, or not all of it");
            }
            Files.move(temporary(), file, StandardCopyOption.ATOMIC_MOVE);
            try (Stream<Path> files = Files.list(file.getParent())) {
                for (Path other : files.filter(p -> !p.equals(file)).toList()) {
                    Files.deleteIfExists(other);
                }
            }
            LOG.info("agents start from the class-data archive {} from now on", file);
        } catch (IOException e) {
            LOG.info("no class-data archive for the agents ({}): they start without one", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Path temporary() {
        return file.resolveSibling(file.getFileName() + ".tmp");
    }
}
