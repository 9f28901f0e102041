package dev.bakery.cli.context;

import static dev.bakery.cli.context.Trees.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which paths the packer sends for a tree and its {@code .dockerignore}, as {@code docker build} would. */
class ContextWalkTest {

    @TempDir
    Path repo;
    @TempDir
    Path out;

    private List<String> sent(String dockerfile) throws IOException {
        return ContextPacker.pack(repo, dockerfile, out.resolve("context.tar.gz")).files();
    }

    private List<String> sent() throws IOException {
        return sent("Dockerfile");
    }

    @Test
    void withoutDockerignoreEverythingIsSentInComponentOrder() throws IOException {
        file(repo, "Dockerfile", "FROM scratch\n");
        file(repo, "a-b", "x");
        file(repo, "a/b", "x");
        file(repo, ".hidden/x", "x");
        Files.createDirectories(repo.resolve("empty"));

        assertThat(sent()).containsExactly(".hidden/", ".hidden/x", "Dockerfile", "a/", "a/b", "a-b", "empty/");
    }

    @Test
    void anExceptionReincludesAFileOfAnExcludedDirectoryWithoutTheDirectoryEntry() throws IOException {
        file(repo, ".dockerignore", "docs\n!docs/README.md\n");
        file(repo, "docs/README.md", "read me");
        file(repo, "docs/internal.md", "secret");
        file(repo, "docs/deep/notes.md", "secret");
        file(repo, "app.py", "print()");

        assertThat(sent()).containsExactly(".dockerignore", "app.py", "docs/README.md");
    }

    @Test
    void aWildcardExceptionDoesNotReopenAnExcludedDirectory() throws IOException {
        // Docker walks into an excluded directory only when an exception's text starts with it.
        file(repo, ".dockerignore", "build\n!*/keep.txt\n");
        file(repo, "build/keep.txt", "x");
        file(repo, "src/keep.txt", "x");

        assertThat(sent()).containsExactly(".dockerignore", "src/", "src/keep.txt");
    }

    @Test
    void theDockerfileAndDockerignoreAreSentEvenWhenExcluded() throws IOException {
        file(repo, ".dockerignore", "*\n");
        file(repo, "Dockerfile", "FROM scratch\n");
        file(repo, "src/main.c", "int main;");

        assertThat(sent()).containsExactly(".dockerignore", "Dockerfile");
    }

    @Test
    void aDockerfileInsideAnExcludedDirectoryIsSentAlone() throws IOException {
        file(repo, ".dockerignore", "docker/\n");
        file(repo, "docker/app.Dockerfile", "FROM scratch\n");
        file(repo, "docker/secrets.env", "X=1");

        assertThat(sent("./docker/app.Dockerfile")).containsExactly(".dockerignore", "docker/app.Dockerfile");
    }

    @Test
    void patternsAreAnchoredAtTheRootUnlessTheyStartWithDoubleStar() throws IOException {
        file(repo, ".dockerignore", "# build output\n/target\nnode_modules\n**/*.log\n*.tmp\n");
        file(repo, "target/app.jar", "x");
        file(repo, "sub/target/kept.txt", "x");
        file(repo, "node_modules/a.js", "x");
        file(repo, "web/node_modules/b.js", "x");
        file(repo, "logs/today.log", "x");
        file(repo, "top.tmp", "x");
        file(repo, "sub/deep.tmp", "x");

        assertThat(sent()).containsExactly(".dockerignore", "logs/", "sub/", "sub/deep.tmp", "sub/target/",
                "sub/target/kept.txt", "web/", "web/node_modules/", "web/node_modules/b.js");
    }

    @Test
    void gitIsSentUnlessExcludedAndALargeOneEarnsAHint() throws IOException {
        file(repo, "Dockerfile", "FROM scratch\n");
        Files.createDirectories(repo.resolve(".git/objects"));
        Files.write(repo.resolve(".git/objects/pack"), new byte[(int) ContextPacker.GIT_HINT_BYTES + 1]);

        PackedContext packed = ContextPacker.pack(repo, out.resolve("a.tar.gz"));
        assertThat(packed.files()).contains(".git/objects/pack");
        assertThat(packed.hint()).hasValueSatisfying(hint -> assertThat(hint)
                .isEqualTo("hint: .git (10 MiB) is sent with the build context; add \".git\" to .dockerignore unless the build needs it"));

        file(repo, ".dockerignore", ".git\n");
        PackedContext excluded = ContextPacker.pack(repo, out.resolve("b.tar.gz"));
        assertThat(excluded.files()).containsExactly(".dockerignore", "Dockerfile");
        assertThat(excluded.hint()).isEmpty();
    }

    @Test
    void aSmallGitGetsNoHint() throws IOException {
        file(repo, ".git/HEAD", "ref: refs/heads/main\n");
        assertThat(ContextPacker.pack(repo, out.resolve("a.tar.gz")).hint()).isEmpty();
    }

    @Test
    void aBadPatternNamesItsLine() throws IOException {
        file(repo, ".dockerignore", "# ok\nnode_modules\n\nsrc/[a-\n");

        assertThatThrownBy(this::sent).isInstanceOf(ContextException.class)
                .hasMessage(".dockerignore line 4: bad pattern \"src/[a-\": syntax error in pattern (a malformed [...] class)");
    }

    @Test
    void aDockerfileNameThatIsNoPatternIsNamed() throws IOException {
        file(repo, ".dockerignore", "*\n");
        file(repo, "Dockerfile[1", "FROM scratch\n");

        assertThatThrownBy(() -> sent("Dockerfile[1")).isInstanceOf(ContextException.class)
                .hasMessage("the Dockerfile path \"Dockerfile[1\" cannot be used in .dockerignore rules:"
                        + " syntax error in pattern (a [...] class is not closed)");
    }
}
