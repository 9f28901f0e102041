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

/**
 * What is uploaded for a build context, against what Docker sends: the Docker CLI's rules for the
 * named Dockerfile and {@code .dockerignore} (moby's {@code docker build} integration tests
 * TestBuildDockerignore*), BuildKit's {@code <Dockerfile>.dockerignore} (its frontend tests
 * testDockerignore and testDockerignoreOverride), and a context sub-directory filtered by its own
 * ignore file (Docker's build context documentation; buildx bake's compose {@code build.context}).
 * Fixtures are our own trees; the assertions are the archive's entries.
 */
class BuildContextConformanceTest {

    @TempDir
    Path repo;

    @TempDir
    Path out;

    private List<String> sent(ContextPacker.Context... contexts) throws IOException {
        return ContextPacker.pack(repo, List.of(contexts), out.resolve("c.tar.gz")).files();
    }

    private static ContextPacker.Context root(String dockerfile) {
        return new ContextPacker.Context(".", dockerfile);
    }

    // moby TestBuildDockerignoringRenamedDockerfile: -f MyDockerfile, .dockerignore names it.
    @Test
    void aNamedDockerfileIsSentEvenWhenIgnored() throws IOException {
        file(repo, "Dockerfile", "Should not use me");
        file(repo, "MyDockerfile", "FROM scratch\n");
        file(repo, ".dockerignore", "MyDockerfile\n");
        assertThat(sent(root("MyDockerfile"))).containsExactly(".dockerignore", "Dockerfile", "MyDockerfile");
        file(repo, ".dockerignore", "./MyDockerfile\n");
        assertThat(sent(root("MyDockerfile"))).containsExactly(".dockerignore", "Dockerfile", "MyDockerfile");
    }

    // The case: "*" keeps only the build files, and the unused default Dockerfile is not one of them.
    @Test
    void everythingIgnoredLeavesTheNamedDockerfileAndTheIgnoreFile() throws IOException {
        file(repo, "Dockerfile", "unused");
        file(repo, "MyDockerfile", "FROM scratch\n");
        file(repo, "src/app.txt", "x");
        file(repo, ".dockerignore", "*\n");
        assertThat(sent(root("MyDockerfile"))).containsExactly(".dockerignore", "MyDockerfile");
    }

    // moby TestBuildDockerignoringDockerfile and TestBuildDockerignoringDockerignore.
    @Test
    void theDefaultDockerfileAndTheIgnoreFileAreSentEvenWhenIgnored() throws IOException {
        file(repo, "Dockerfile", "FROM scratch\n");
        file(repo, "other", "x");
        file(repo, ".dockerignore", "Dockerfile\n");
        assertThat(sent(root("Dockerfile"))).containsExactly(".dockerignore", "Dockerfile", "other");
        file(repo, ".dockerignore", "./Dockerfile\n.dockerignore\n");
        assertThat(sent(root("Dockerfile"))).containsExactly(".dockerignore", "Dockerfile", "other");
    }

    // moby TestBuildDockerignore: what its RUN steps check exists and does not.
    @Test
    void mobysDockerignoreTree() throws IOException {
        file(repo, "Dockerfile", "FROM busybox\n");
        for (String name : List.of("Makefile", "src/_vendor/v.go", "src/x.go", "dir/foo", "dir/foo1", "dir/dir/f1",
                "dir/dir/foo", "dir/e", "dir/e-dir/foo", ".gitignore", "README.md", "dir/a.cc")) {
            file(repo, name, name);
        }
        file(repo, ".dockerignore", ".git\npkg\n.gitignore\nsrc/_vendor\n*.md\ndir\n!dir/e*\n!dir/dir/foo\n**/*.cc\n!**/*.cc\n");
        assertThat(sent(root("Dockerfile")))
                .contains("src/x.go", "Makefile", "dir/dir/foo", "dir/e", "dir/e-dir/foo")
                .doesNotContain("src/_vendor/", "src/_vendor/v.go", ".gitignore", "README.md", "dir/foo", "dir/foo1",
                        "dir/dir/f1");
    }

    // BuildKit testDockerignore: "ba*", "!bay"; the Dockerfile and .dockerignore stay for the builder.
    @Test
    void buildKitsDockerignoreTree() throws IOException {
        file(repo, "Dockerfile", "FROM scratch\nCOPY . .\n");
        for (String name : List.of("foo", "bar", "baz", "bay")) {
            file(repo, name, name + "-contents");
        }
        file(repo, ".dockerignore", "ba*\nDockerfile\n!bay\n.dockerignore\n");
        assertThat(sent(root("Dockerfile"))).containsExactly(".dockerignore", "Dockerfile", "bay", "foo");
    }

    // BuildKit testDockerignoreOverride: <Dockerfile>.dockerignore replaces .dockerignore, per Dockerfile.
    @Test
    void aDockerfilesOwnIgnoreFileReplacesTheContexts() throws IOException {
        file(repo, "Dockerfile", "FROM busybox\n");
        file(repo, "Dockerfile.dockerignore", "bar\n");
        file(repo, "Dockerfile2", "FROM busybox\n");
        file(repo, "Dockerfile2.dockerignore", "foo\n");
        file(repo, "foo", "contents0");
        file(repo, "bar", "contents0");
        file(repo, ".dockerignore", "foo\nbar\n"); // not read: each Dockerfile has its own
        assertThat(sent(root("Dockerfile"))).contains("foo").doesNotContain("bar");
        assertThat(sent(root("Dockerfile2"))).contains("bar").doesNotContain("foo");
        assertThat(sent(root("Dockerfile2"))).contains("Dockerfile2", "Dockerfile2.dockerignore");
    }

    // BuildKit reads <Dockerfile>.dockerignore next to the Dockerfile, wherever that is.
    @Test
    void theDockerfilesIgnoreFileSitsNextToIt() throws IOException {
        file(repo, "docker/app.Dockerfile", "FROM scratch\n");
        file(repo, "docker/app.Dockerfile.dockerignore", "*\n!docker/app.Dockerfile\n!keep.txt\n");
        file(repo, "keep.txt", "k");
        file(repo, "drop.txt", "d");
        // docker/ itself is excluded by "*": as in Docker's walk, its kept files come without its own entry.
        assertThat(sent(root("docker/app.Dockerfile")))
                .containsExactly("docker/app.Dockerfile", "docker/app.Dockerfile.dockerignore", "keep.txt");
    }

    // A context sub-directory: its own .dockerignore, nothing from outside it (the "*" in app/).
    @Test
    void aSubDirectoryContextUsesItsOwnIgnoreFile() throws IOException {
        file(repo, "README.md", "root");
        file(repo, ".dockerignore", "*.log\n");
        file(repo, "app/Dockerfile", "FROM scratch\n");
        file(repo, "app/.dockerignore", "*\n");
        file(repo, "app/src/main.txt", "m");
        assertThat(sent(new ContextPacker.Context("app", "Dockerfile")))
                .containsExactly("app/", "app/.dockerignore", "app/Dockerfile");

        file(repo, "app/.dockerignore", "src/secret\n");
        file(repo, "app/src/secret", "s");
        file(repo, "app/debug.log", "l"); // the repository's *.log does not reach into app's context
        assertThat(sent(new ContextPacker.Context("app", "Dockerfile")))
                .containsExactly("app/", "app/.dockerignore", "app/Dockerfile", "app/debug.log", "app/src/", "app/src/main.txt");
    }

    @Test
    void aDeeperContextKeepsItsParentsAndNothingElse() throws IOException {
        file(repo, "services/api/Dockerfile", "FROM scratch\n");
        file(repo, "services/api/a.txt", "a");
        file(repo, "services/web/w.txt", "w");
        assertThat(sent(new ContextPacker.Context("services/api", "Dockerfile")))
                .containsExactly("services/", "services/api/", "services/api/Dockerfile", "services/api/a.txt");
    }

    // docker build -f ../Dockerfile app: the Dockerfile is sent although it is outside the context.
    @Test
    void aDockerfileOutsideTheContextIsSentToo() throws IOException {
        file(repo, "docker/Dockerfile", "FROM scratch\n");
        file(repo, "docker/unrelated", "u");
        file(repo, "app/a.txt", "a");
        assertThat(sent(new ContextPacker.Context("app", "../docker/Dockerfile")))
                .containsExactly("app/", "app/a.txt", "docker/", "docker/Dockerfile");
        assertThatThrownBy(() -> sent(new ContextPacker.Context("app", "../../Dockerfile")))
                .isInstanceOf(ContextException.class).hasMessageContaining("leaves the workspace");
    }

    // One build, two tasks with different contexts: each sends what Docker would, joined.
    @Test
    void theContextsOfOneBuildAreJoined() throws IOException {
        file(repo, "amd/Dockerfile", "FROM scratch\n");
        file(repo, "amd/.dockerignore", "skip\n");
        file(repo, "amd/skip", "s");
        file(repo, "arm/Dockerfile", "FROM scratch\n");
        file(repo, "arm/skip", "s");
        assertThat(sent(new ContextPacker.Context("amd", "Dockerfile"), new ContextPacker.Context("arm", "Dockerfile")))
                .containsExactly("amd/", "amd/.dockerignore", "amd/Dockerfile", "arm/", "arm/Dockerfile", "arm/skip");
    }

    @Test
    void aContextThatIsNotADirectoryIsNamed() throws IOException {
        file(repo, "Dockerfile", "FROM scratch\n");
        file(repo, "notadir", "x");
        assertThatThrownBy(() -> sent(new ContextPacker.Context("missing", "Dockerfile")))
                .isInstanceOf(ContextException.class).hasMessageContaining("\"missing\" (kaniko.context-path)");
        assertThatThrownBy(() -> sent(new ContextPacker.Context("notadir", "Dockerfile")))
                .isInstanceOf(ContextException.class).hasMessageContaining("is not a directory");
        Files.createSymbolicLink(repo.resolve("escape"), Path.of("/tmp"));
        assertThatThrownBy(() -> sent(new ContextPacker.Context("escape", "Dockerfile")))
                .isInstanceOf(ContextException.class).hasMessageContaining("outside the repository");
    }
}
