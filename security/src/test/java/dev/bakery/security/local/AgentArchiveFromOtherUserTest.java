package dev.bakery.security.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.local.LocalServer;
import dev.bakery.testing.OtherUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agents of bakery-local (root, with the run's keys) map the classes of a class-data archive in
 * {@code <data dir>/cds/}: whoever could plant or replace it would run code in every agent. Another
 * user of the machine ({@code nobody}, through {@code setpriv}) tries, for real, against a running
 * bakery-local. Needs root (as .ci/run has).
 */
class AgentArchiveFromOtherUserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ATTACK = """
            import json, os, sys, tempfile
            cds, archive = sys.argv[1:3]
            out = {}
            def attempt(name, fn):
                try:
                    fn(); out[name] = "allowed"
                except PermissionError:
                    out[name] = "denied"
                except Exception as e:
                    out[name] = type(e).__name__
            def replace():
                fd, planted = tempfile.mkstemp(suffix=".jsa")
                os.write(fd, b"attacker's classes")
                os.close(fd)
                os.replace(planted, archive)
            attempt("overwrite the archive", lambda: open(archive, "w").write("attacker's classes"))
            attempt("replace the archive", replace)
            attempt("plant another archive", lambda: open(os.path.join(cds, "agent-0123456789abcdef.jsa"), "w").write("x"))
            print(json.dumps(out))
            """;

    @TempDir
    Path temp;

    @Test
    void nobodyCanNeitherOverwriteNorReplaceNorPlantTheArchiveTheAgentsMap() throws Exception {
        // The temp dir's parent is root's own; nobody must be able to reach the data dir's door to try.
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path dataDir = temp.resolve("data");
        try (LocalServer server = LocalServer.start(new LocalServer.Config(dataDir, 0, "127.0.0.1:1", 0),
                tasks -> (name, input) -> {
                    throw new UnsupportedOperationException("no build runs in this test");
                })) {
            // As the first agent leaves it (the JVM writes it 0644 into a directory made with the umask).
            Path cds = Files.createDirectories(dataDir.resolve("cds"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            Path archive = Files.writeString(cds.resolve("agent-9a12211fd4aaa18b.jsa"), "the agents' classes");
            Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rw-r--r--"));

            OtherUser.Run attacker = OtherUser.python(ATTACK, cds.toString(), archive.toString());
            assertThat(attacker.exit()).as(attacker.output()).isZero();
            JsonNode got = JSON.readTree(attacker.lastLine());

            assertThat(got.path("overwrite the archive").asText()).isEqualTo("denied");
            assertThat(got.path("replace the archive").asText()).isEqualTo("denied");
            assertThat(got.path("plant another archive").asText()).isEqualTo("denied");
            assertThat(archive).hasContent("the agents' classes");
            try (var files = Files.list(cds)) {
                assertThat(files).containsExactly(archive);
            }
        }
    }
}
