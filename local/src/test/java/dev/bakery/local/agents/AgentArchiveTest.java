package dev.bakery.local.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentArchiveTest {

    @TempDir
    Path dir;

    private List<String> command(Path... classpath) {
        return List.of("java", "-XX:TieredStopAtLevel=1", "-cp",
                String.join(File.pathSeparator, List.of(classpath).stream().map(Path::toString).toList()));
    }

    private static String option(AgentArchive.Start start, String prefix) {
        return start.options().stream().filter(o -> o.startsWith(prefix)).findFirst().orElseThrow()
                .substring(prefix.length());
    }

    @Test
    void oneAgentAtATimeWritesItAsItExitsAndEveryLaterAgentMapsIt() throws Exception {
        Path jar = Files.write(dir.resolve("agent.jar"), new byte[] {1});
        AgentArchive archive = AgentArchive.of(dir.resolve("cds"), command(jar));

        AgentArchive.Start first = archive.next();
        assertThat(first.writes()).isTrue();
        Path written = Path.of(option(first, "-XX:ArchiveClassesAtExit="));
        assertThat(first.options()).contains("-Xlog:cds*=off"); // no JVM note in the build log
        AgentArchive.Start meanwhile = archive.next();
        assertThat(meanwhile.writes()).isFalse();
        assertThat(meanwhile.options()).isEmpty();

        Files.writeString(dir.resolve("cds/agent-0000000000000000.jsa"), "an older Java's or bakery's");
        Files.writeString(written, "classes"); // what the JVM writes as it exits
        archive.written();

        AgentArchive.Start later = archive.next();
        assertThat(later.writes()).isFalse();
        Path mapped = Path.of(option(later, "-XX:SharedArchiveFile="));
        assertThat(mapped).hasContent("classes").hasParent(dir.resolve("cds"));
        assertThat(later.options()).contains("-Xlog:cds*=off");
        assertThat(dir.resolve("cds")).isDirectoryNotContaining(p -> !p.equals(mapped)); // the stale one and the temporary
    }

    @Test
    void anAgentThatWroteNothingLeavesTheOthersWithoutAnArchive() throws Exception {
        Path jar = Files.write(dir.resolve("agent.jar"), new byte[] {1});
        AgentArchive archive = AgentArchive.of(dir.resolve("cds"), command(jar));

        assertThat(archive.next().writes()).isTrue();
        archive.written(); // the JVM failed to dump, or was killed first

        AgentArchive.Start next = archive.next();
        assertThat(next.writes()).isFalse(); // no second try in this run: a failed dump fails its build
        assertThat(next.options()).isEmpty();
    }

    @Test
    void aDirectoryOnTheClasspathMeansNoArchiveSinceJavaArchivesJarsOnly() throws Exception {
        Path jar = Files.write(dir.resolve("agent.jar"), new byte[] {1});
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Files.writeString(classes.resolve("Main.class"), "x");

        AgentArchive.Start start = AgentArchive.of(dir.resolve("cds"), command(jar, classes)).next();

        assertThat(start.writes()).isFalse();
        assertThat(start.options()).isEmpty();
    }

    @Test
    void aChangedJarGetsAnArchiveOfItsOwn() throws Exception {
        Path jar = Files.write(dir.resolve("agent.jar"), new byte[] {1});
        String before = option(AgentArchive.of(dir.resolve("cds"), command(jar)).next(), "-XX:ArchiveClassesAtExit=");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 1000));
        String after = option(AgentArchive.of(dir.resolve("cds"), command(jar)).next(), "-XX:ArchiveClassesAtExit=");
        String otherFlags = option(AgentArchive.of(dir.resolve("cds"), List.of("java", "-cp", jar.toString())).next(),
                "-XX:ArchiveClassesAtExit=");

        assertThat(after).isNotEqualTo(before);
        assertThat(otherFlags).isNotEqualTo(after);
    }
}
