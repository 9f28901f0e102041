package dev.bakery.local.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeRuntimeTest {

    @TempDir
    Path dir;

    @Test
    void findsNode22AndThePackagesTheBuildInstalled() throws Exception {
        NodeRuntime node = NodeRuntime.locate();

        assertThat(node.module("aws-local-stepfunctions").resolve("package.json")).isRegularFile();
        assertThat(node.module("asl-validator").resolve("package.json")).isRegularFile();
        Process version = new ProcessBuilder(node.node().toString(), "--version").start();
        assertThat(new String(version.getInputStream().readAllBytes()).trim()).matches("v(2[2-9]|[3-9]\\d)\\..*");
    }

    @Test
    void anOlderNodeIsRefusedInOneSentenceThatSaysWhatToDo() throws IOException {
        Path old = Files.writeString(dir.resolve("node"), "#!/bin/sh\necho v20.19.0\n");
        Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> environment = Map.of("BAKERY_NODE_MODULES", NodeRuntime.locate().modules().toString(),
                "BAKERY_NODE", old.toString());

        assertThatThrownBy(() -> NodeRuntime.locate(environment, dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Node.js 22 or newer is needed to run the state machine locally but " + old + " is version 20:"
                        + " run `./mvnw -pl local generate-resources` (npm ci of local/src/main/node into local/target/node,"
                        + " Node 22 included) or set BAKERY_NODE to a newer node.");
    }

    @Test
    void missingPackagesAreNamedWithWhereTheyWereLookedFor() {
        assertThatThrownBy(() -> NodeRuntime.locate(Map.of("PATH", ""), dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("aws-local-stepfunctions is not installed in [" + dir.resolve("target/node"))
                .hasMessageEndingWith("or set BAKERY_NODE_MODULES to a directory whose node_modules holds it.");
    }
}
