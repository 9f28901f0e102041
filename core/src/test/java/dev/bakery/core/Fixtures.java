package dev.bakery.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Test helpers. Every plan a test resolves goes through {@link #resolve}, which also proves the
 * JSON round trip is lossless and that no inline password reaches the JSON.
 */
final class Fixtures {

    private Fixtures() {
    }

    static String text(String resource) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Resolution resolve(PlanRequest request) {
        Resolution resolution = BuildPlanner.plan(request);
        for (PlannedBuild build : resolution.builds()) {
            assertRoundTrip(build.plan());
            String json = PlanJson.write(build.plan());
            for (String password : build.inlinePasswords().values()) {
                assertThat(json).doesNotContain(password);
            }
        }
        return resolution;
    }

    static Resolution resolveConfig(String name, String text) {
        return resolve(PlanRequest.ofConfig(SourceFile.of(name, text)));
    }

    static Resolution resolveCompose(String name, String text, Map<String, String> env, List<String> services) {
        return resolve(PlanRequest.ofCompose(SourceFile.of(name, text), env).withServices(services));
    }

    static void assertRoundTrip(BuildPlan plan) {
        String json = PlanJson.write(plan);
        BuildPlan back = PlanJson.read("plan", json);
        assertThat(back).isEqualTo(plan);
        assertThat(PlanJson.write(back)).isEqualTo(json);
    }
}
