package dev.bakery.core.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogStreamsTest {

    @Test
    void theBridgesAndTheLocalModesStreamsNameTheirBuildAnEcsTasksDoesNot() {
        assertThat(LogStreams.build(LogStreams.k8s("b-1", "bakery-amd64-0123456789"))).contains("b-1");
        assertThat(LogStreams.build(LogStreams.local("b-2"))).contains("b-2");
        assertThat(LogStreams.build("build/agent/0f1e2d3c4b5a69788796a5b4c3d2e1f0")).isEmpty();
        assertThat(LogStreams.build("k8s/")).isEmpty();
        assertThat(LogStreams.build("k8s/b-1")).isEmpty();
        assertThat(LogStreams.build("local/")).isEmpty();
        assertThat(LogStreams.build("local/b-1/extra")).isEmpty();
    }
}
