package dev.bakery.local.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentArchiveTest {

    @TempDir
    Path dir;

    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private static List<String> command(Path... classpath) {
        return List.of(JAVA, "-XX:TieredStopAtLevel=1", "-cp",
                String.join(File.pathSeparator, List.of(classpath).stream().map(Path::toString).toList()));
    }

    private Path jar() throws Exception {
        Path jar = dir.resolve("agent.jar");
        new JarOutputStream(Files.newOutputStream(jar)).close();
        return jar;
    }

    /** {@code java -version} with the agent's command and these options: the JVM maps or writes the archive as an agent's would. */
    private static int java(List<String> command, List<String> options) throws Exception {
        List<String> run = new ArrayList<>(command);
        run.addAll(options);
        run.add("-version");
        return new ProcessBuilder(run).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                .waitFor();
    }

    private static String option(AgentArchive.Start start, String prefix) {
        return start.options().stream().filter(o -> o.startsWith(prefix)).findFirst().orElseThrow()
                .substring(prefix.length());
    }

    @Test
    void oneAgentAtATimeWritesItAsItExitsAndEveryLaterAgentMapsIt() throws Exception {
        List<String> command = command(jar());
        AgentArchive archive = AgentArchive.of(dir.resolve("cds"), command);

        AgentArchive.Start first = archive.next();
        assertThat(first.writes()).isTrue();
        assertThat(first.options()).contains("-Xlog:cds*=off"); // no JVM note in the build log
        AgentArchive.Start meanwhile = archive.next();
        assertThat(meanwhile.writes()).isFalse();
        assertThat(meanwhile.options()).isEmpty();
        assertThat(java(command, first.options())).isZero();

        Path stale = Files.writeString(dir.resolve("cds/agent-0000000000000000.jsa"), "an older Java's or bakery's");
        archive.written();

        AgentArchive.Start later = archive.next();
        assertThat(later.writes()).isFalse();
        Path mapped = Path.of(option(later, "-XX:SharedArchiveFile="));
        assertThat(later.options()).contains("-Xlog:cds*=off");
        assertThat(dir.resolve("cds")).isDirectoryContaining(p -> p.equals(mapped))
                .isDirectoryNotContaining(p -> !p.equals(mapped)); // neither the stale one nor the temporary
        assertThat(stale).doesNotExist();
        List<String> mapping = new ArrayList<>(later.options());
        mapping.add("-Xshare:on"); // fails unless the JVM maps it
        assertThat(java(command, mapping)).isZero();
    }

    @Test
    void anAgentStoppedWhileWritingLeavesNoHalfArchiveAndTheOthersStartWithout() throws Exception {
        List<String> command = command(jar());
        AgentArchive archive = AgentArchive.of(dir.resolve("cds"), command);
        Path written = Path.of(option(archive.next(), "-XX:ArchiveClassesAtExit="));
        assertThat(java(command, List.of("-XX:ArchiveClassesAtExit=" + written))).isZero();
        byte[] whole = Files.readAllBytes(written);
        Files.write(written, Arrays.copyOf(whole, whole.length / 2)); // SIGKILL in the middle of the dump

        archive.written();

        assertThat(dir.resolve("cds")).isEmptyDirectory();
        AgentArchive.Start next = archive.next();
        assertThat(next.writes()).isFalse(); // no second try in this run: a failed dump fails its build
        assertThat(next.options()).isEmpty();
    }

    @Test
    void aDirectoryOnTheClasspathMeansNoArchiveSinceJavaArchivesJarsOnly() throws Exception {
        Path jar = jar();
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Files.writeString(classes.resolve("Main.class"), "x");

        AgentArchive.Start start = AgentArchive.of(dir.resolve("cds"), command(jar, classes)).next();

        assertThat(start.writes()).isFalse();
        assertThat(start.options()).isEmpty();
    }

    @Test
    void aChangedJarGetsAnArchiveOfItsOwn() throws Exception {
        Path jar = jar();
        String before = option(AgentArchive.of(dir.resolve("cds"), command(jar)).next(), "-XX:ArchiveClassesAtExit=");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 1000));
        String after = option(AgentArchive.of(dir.resolve("cds"), command(jar)).next(), "-XX:ArchiveClassesAtExit=");
        String otherFlags = option(AgentArchive.of(dir.resolve("cds"), List.of("java", "-cp", jar.toString())).next(),
                "-XX:ArchiveClassesAtExit=");

        assertThat(after).isNotEqualTo(before);
        assertThat(otherFlags).isNotEqualTo(after);
    }
}
