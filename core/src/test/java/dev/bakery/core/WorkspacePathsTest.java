package dev.bakery.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WorkspacePathsTest {

    @Test
    void aContextPathStaysRelativeAndPlain() {
        WorkspacePaths.contextPath(".");
        WorkspacePaths.contextPath("services/api");
        assertThatThrownBy(() -> WorkspacePaths.contextPath("x/../../etc")).isInstanceOf(UnsafePathException.class)
                .hasMessage("contextPath \"x/../../etc\" has a \"..\" segment: a path in a plan stays inside the workspace");
        assertThatThrownBy(() -> WorkspacePaths.contextPath("/etc")).hasMessageContaining("is absolute");
        assertThatThrownBy(() -> WorkspacePaths.contextPath("a\\..\\..")).hasMessageContaining("backslash");
        assertThatThrownBy(() -> WorkspacePaths.contextPath("a\0b")).hasMessage(
                "contextPath \"a\\u0000b\" has a control character (NUL): a path in a plan is plain text");
        assertThatThrownBy(() -> WorkspacePaths.contextPath(" ")).hasMessageContaining("is empty");
    }

    @Test
    void aDockerfileMayLeaveItsContextButNotTheWorkspace() {
        assertThat(WorkspacePaths.dockerfile("app", "../docker/Dockerfile")).isEqualTo("docker/Dockerfile");
        assertThat(WorkspacePaths.dockerfile(".", "./Dockerfile")).isEqualTo("Dockerfile");
        assertThatThrownBy(() -> WorkspacePaths.dockerfile(".", "../Dockerfile")).isInstanceOf(UnsafePathException.class)
                .hasMessageContaining("leaves the workspace");
        assertThatThrownBy(() -> WorkspacePaths.dockerfile("app", "../../Dockerfile")).hasMessageContaining("leaves the workspace");
        assertThatThrownBy(() -> WorkspacePaths.dockerfile(".", "/proc/self/cwd/Dockerfile")).hasMessageContaining("is absolute");
        assertThatThrownBy(() -> WorkspacePaths.dockerfile("app", "..")).hasMessageContaining("names the workspace itself");
    }

    @Test
    void ignorePathsAreImagePathsWithoutDotDot() {
        WorkspacePaths.ignorePath("ignorePaths[0]", "/var/cache");
        assertThatThrownBy(() -> WorkspacePaths.ignorePath("ignorePaths[0]", "/var/../etc"))
                .hasMessageStartingWith("ignorePaths[0] \"/var/../etc\" has a \"..\" segment");
    }

    @Test
    void secretIdsAndExtraFlags() {
        WorkspacePaths.secretId("npmrc.token");
        assertThatThrownBy(() -> WorkspacePaths.secretId("..")).isInstanceOf(UnsafePathException.class);
        assertThatThrownBy(() -> WorkspacePaths.secretId("/etc/shadow")).hasMessageContaining("names a file under /run/secrets");
        WorkspacePaths.extraFlag("extraFlags[0]", "--verbosity=debug");
        assertThatThrownBy(() -> WorkspacePaths.extraFlag("extraFlags[0]", "--dockerfile=/etc/shadow"))
                .hasMessageContaining("sets the build context or the Dockerfile");
    }

    @Test
    void theConfigSaysWhichKeyBreaksWhichRule() {
        assertThatThrownBy(() -> Fixtures.resolveConfig("config.yaml", """
                global:
                  kaniko:
                    destination: registry.example.com/app:1
                    context-path: app
                    dockerfile: ../../Dockerfile
                    ignore-path: [/var/../etc]
                bake:
                - arch: amd64
                """)).isInstanceOf(BakeryConfigException.class)
                .hasMessageContaining("global.kaniko.dockerfile: \"../../Dockerfile\" leaves the workspace")
                .hasMessageContaining("global.kaniko.ignore-path[0]: \"/var/../etc\" has a \"..\" segment");
    }

    @Test
    void theOriginalsWorkspaceFormBecomesRelativeToTheContext() {
        BuildPlan plan = Fixtures.resolveConfig("config.yaml", """
                global:
                  kaniko:
                    destination: registry.example.com/app:1
                    context-path: /workspace/src
                    dockerfile: /workspace/build/Dockerfile
                bake:
                - arch: amd64
                """).builds().getFirst().plan();
        assertThat(plan.tasks().getFirst().kaniko().dockerfile()).isEqualTo("../build/Dockerfile");
    }

    @Test
    void aPlanNamesTheJsonPathOfABadPath() {
        BuildPlan plan = Fixtures.resolveConfig("config.yaml", """
                global:
                  kaniko:
                    destination: registry.example.com/app:1
                bake:
                - arch: amd64
                """).builds().getFirst().plan();
        String json = PlanJson.write(plan).replace("\"contextPath\":\".\"", "\"contextPath\":\"x/../../../../etc\"");
        assertThatThrownBy(() -> PlanJson.read("plan", json)).isInstanceOf(UnsafePathException.class)
                .satisfies(e -> assertThat(((UnsafePathException) e).field()).isEqualTo("tasks[0].kaniko.contextPath"));
    }
}
