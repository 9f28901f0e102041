package dev.bakery.cli.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bakery.core.BuildPlanner;
import dev.bakery.core.BuildTask;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.SourceFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cost estimate: Fargate's per-second billing with its minute minimum, Spot, regions, and the one price table. */
class PricingTest {

    private static List<BuildTask> tasks(String config) {
        return BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml", config))).builds().getFirst().plan().tasks();
    }

    private static final List<BuildTask> TASKS = tasks("""
            global:
              kaniko: {destination: registry.example.com/app:1}
              cpu: 1
              memory: 2G
            bake:
              - arch: amd64
              - arch: arm64
                spot: true
              - arch: amd64
                platform: k8s
            """);

    @Test
    void vcpuAndGbSecondsTimesTheRegionsPrice() {
        Pricing pricing = Pricing.forRegion("us-east-1");

        Pricing.Estimate amd64 = pricing.estimate(TASKS.get(0), 300_000L).orElseThrow();

        assertThat(amd64.billedSeconds()).isEqualTo(300);
        assertThat(amd64.vcpuSeconds()).isEqualTo(300.0);
        assertThat(amd64.gbSeconds()).isEqualTo(600.0);
        // docs/cost.md's worked example: 300 s × (1 × $0.000011244 + 2 × $0.000001235) = $0.00411.
        assertThat(amd64.usd()).isCloseTo(0.00411, within(0.000005));
        assertThat(amd64.pricing()).isEqualTo("on-demand");
        assertThat(pricing.describe()).isEqualTo("Fargate us-east-1 list prices, Spot at 70% off");
    }

    @Test
    void spotIsPricedAtTheFullDiscountAndShortTasksAtOneMinute() {
        Pricing.Estimate arm64 = Pricing.forRegion("us-east-1").estimate(TASKS.get(1), 12_345L).orElseThrow();

        assertThat(arm64.billedSeconds()).isEqualTo(60);
        assertThat(arm64.spot()).isTrue();
        assertThat(arm64.pricing()).isEqualTo("spot");
        assertThat(arm64.usd()).isCloseTo(60 * (0.03238 + 2 * 0.00356) / 3600 * 0.3, within(1e-12));
    }

    @Test
    void kubernetesTasksAndTasksThatNeverRanHaveNoEstimate() {
        Pricing pricing = Pricing.forRegion("us-east-1");

        assertThat(pricing.estimate(TASKS.get(2), 60_000L)).isEmpty();
        assertThat(pricing.estimate(TASKS.get(0), null)).isEmpty();
    }

    @Test
    void aRegionWithoutARowIsPricedAsUsEast1AndSaysSo() {
        assertThat(Pricing.forRegion("eu-central-1").describe())
                .isEqualTo("Fargate us-east-1 list prices (no row for eu-central-1), Spot at 70% off");
        assertThat(Pricing.forRegion(null).describe())
                .isEqualTo("Fargate us-east-1 list prices (region unknown), Spot at 70% off");
    }

    /** docs/cost.md shows the table the CLI prices with, row for row. */
    @Test
    void theDocumentedTableIsTheOneTheCliUses() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "cost.md"));
        Map<String, Map<String, double[]>> table = Pricing.table();
        int rows = 0;
        for (var region : table.entrySet()) {
            for (var arch : region.getValue().entrySet()) {
                assertThat(doc).contains("| " + region.getKey() + " | " + arch.getKey() + " | " + plain(arch.getValue()[0])
                        + " | " + plain(arch.getValue()[1]) + " |");
                rows++;
            }
        }
        assertThat(rows).isEqualTo(2);
        assertThat(doc.lines().filter(l -> l.matches("\\| [a-z]+-[a-z]+-\\d \\| (amd64|arm64) \\|.*"))).hasSize(rows);
    }

    private static String plain(double price) {
        return java.math.BigDecimal.valueOf(price).toPlainString();
    }
}
