package dev.bakery.functions.handler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.functions.testing.ApiHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapStartPrimingTest {

    @Test
    void primingReachesDynamoDbAndS3AndChangesNothing() {
        try (ApiHarness harness = new ApiHarness(256 * 1024, 1L << 30)) {
            assertThat(SnapStartPriming.prime(harness.api)).containsExactly(404, 422);

            assertThat(harness.store.list(100, null, null).builds()).isEmpty();
            assertThat(harness.aws.calls()).isEmpty(); // no secret, no execution
            assertThat(harness.s3.client().listObjectsV2(r -> r.bucket(ApiHarness.BUCKET)).contents()).isEmpty();
        }
    }

    @Test
    void onlyTheSnapStartInitIsPrimed() {
        assertThat(SnapStartPriming.wanted(Map.of("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start"))).isTrue();
        assertThat(SnapStartPriming.wanted(Map.of("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand"))).isFalse();
        assertThat(SnapStartPriming.wanted(Map.of())).isFalse();
    }
}
