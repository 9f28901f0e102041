package dev.bakery.agent.context;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bakery.agent.builder.BuildRequest;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.BuildTask;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.SourceFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResolvedPathsTest {

    @TempDir
    Path workspace;

    private BuildRequest request(String contextPath) {
        BuildTask task = BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml", """
                bake:
                - arch: amd64
                  kaniko: {destination: "registry.example.com/app:1", context-path: %s}
                """.formatted(contextPath)))).builds().getFirst().plan().tasks().getFirst();
        return new BuildRequest(task, workspace, workspace.resolveSibling("digest"));
    }

    @Test
    void aDockerfileInsideTheWorkspacePasses() throws IOException {
        Files.writeString(workspace.resolve("Dockerfile"), "FROM scratch\n");
        assertThatCode(() -> ResolvedPaths.requireInsideWorkspace(request("."))).doesNotThrowAnyException();
    }

    @Test
    void aDockerfileNotWrittenYetPasses() {
        assertThatCode(() -> ResolvedPaths.requireInsideWorkspace(request("."))).doesNotThrowAnyException();
    }

    @Test
    void aDockerfileLinkedToAHostFileIsRefused() throws IOException {
        Files.createSymbolicLink(workspace.resolve("Dockerfile"), Path.of("/etc/hostname"));
        assertThatThrownBy(() -> ResolvedPaths.requireInsideWorkspace(request("."))).isInstanceOf(IOException.class)
                .hasMessage("the Dockerfile \"Dockerfile\" resolves to /etc/hostname, outside the workspace (a symbolic link"
                        + " leads out): refusing to build");
    }

    @Test
    void aContextLinkedToTheRootIsRefused() throws IOException {
        Files.createSymbolicLink(workspace.resolve("app"), Path.of("/"));
        assertThatThrownBy(() -> ResolvedPaths.requireInsideWorkspace(request("app")))
                .hasMessageStartingWith("the build context \"app\" resolves to /, outside the workspace");
    }

    @Test
    void aDanglingLinkIsRefused() throws IOException {
        Files.createSymbolicLink(workspace.resolve("Dockerfile"), Path.of("/nonexistent/bakery/Dockerfile"));
        assertThatThrownBy(() -> ResolvedPaths.requireInsideWorkspace(request(".")))
                .hasMessageContaining("is a symbolic link to nothing");
    }
}
