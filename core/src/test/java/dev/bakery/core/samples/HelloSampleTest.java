package dev.bakery.core.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.core.Arch;
import dev.bakery.core.BuildPlan;
import dev.bakery.core.BuildTask;
import dev.bakery.core.Resolution;
import java.nio.file.Files;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * samples/hello builds offline on the local mode: two arches into the loopback registry, from
 * COPY-only Dockerfiles (no emulation for arm64), with the busybox the pre-script puts into the
 * context. samples/hello/failing is the build that must fail in its RUN step.
 */
class HelloSampleTest {

    @Nested
    class Hello {

        private final Resolution resolution = Samples.planConfig("hello/bakery.yaml");
        private final BuildPlan plan = resolution.builds().getFirst().plan();

        @Test
        void oneBuildForAmd64AndArm64JoinedByAnIndexInTheLoopbackRegistry() {
            assertThat(resolution.builds()).hasSize(1);
            assertThat(resolution.warnings()).isEmpty();
            assertThat(plan.tasks()).extracting(BuildTask::arch).containsExactly(Arch.AMD64, Arch.ARM64);
            assertThat(Samples.destinations(plan.task("amd64"))).containsExactly("127.0.0.1:5000/hello:1.0_amd64");
            assertThat(Samples.destinations(plan.task("arm64"))).containsExactly("127.0.0.1:5000/hello:1.0_arm64");
            assertThat(Samples.indexDestinations(plan)).containsExactly("127.0.0.1:5000/hello:1.0");
            assertThat(plan.index().taskIds()).containsExactly("amd64", "arm64");
        }

        @Test
        void bothArchesBuildTheSampleDockerfileWhichOnlyCopies() throws Exception {
            for (BuildTask task : plan.tasks()) {
                assertThat(task.kaniko().contextPath()).isEqualTo(".");
                assertThat(Samples.dockerfile("hello", task)).isEqualTo(Samples.path("hello/Dockerfile").normalize());
            }
            // A RUN would execute an arm64 program on the build machine: there is no emulation.
            assertThat(Samples.instructions(Samples.path("hello/Dockerfile"))).containsExactly("FROM", "COPY", "COPY", "ENTRYPOINT");
            assertThat(Files.readString(Samples.path("hello/Dockerfile"))).contains("FROM scratch", "COPY busybox /bin/busybox");
            assertThat(Samples.path("hello/hello.txt")).isRegularFile();
        }

        @Test
        void thePreScriptPutsABusyboxIntoTheContextBecauseTheRepositoryHasNone() {
            assertThat(Samples.path("hello/busybox")).doesNotExist();
            for (BuildTask task : plan.tasks()) {
                assertThat(task.preScript()).contains("busybox").endsWith(" busybox");
                assertThat(task.postScript()).isNull();
            }
        }
    }

    @Nested
    class Failing {

        private final Resolution resolution = Samples.planConfig("hello/failing/bakery.yaml");
        private final BuildPlan plan = resolution.builds().getFirst().plan();

        @Test
        void oneAmd64TaskPushedStraightToItsDestinationWithoutAnIndex() {
            assertThat(resolution.warnings()).isEmpty();
            assertThat(plan.tasks()).singleElement().satisfies(task -> {
                assertThat(task.arch()).isEqualTo(Arch.AMD64);
                assertThat(Samples.destinations(task)).containsExactly("127.0.0.1:5000/hello-failing:1.0");
                assertThat(task.postScript()).isEqualTo("echo \"not reached\"");
            });
            assertThat(plan.index()).isNull();
        }

        @Test
        void itsDockerfileFailsInARunStepAfterCopyingBusybox() throws Exception {
            BuildTask task = plan.tasks().getFirst();
            assertThat(Samples.dockerfile("hello/failing", task)).isRegularFile();
            assertThat(Samples.instructions(Samples.dockerfile("hello/failing", task))).containsExactly("FROM", "COPY", "RUN");
            assertThat(Files.readString(Samples.dockerfile("hello/failing", task))).contains("exit 3");
        }
    }
}
