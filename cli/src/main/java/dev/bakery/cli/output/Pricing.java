package dev.bakery.cli.output;

import dev.bakery.core.BuildTask;
import dev.bakery.core.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The estimated Fargate cost of a task: its vCPU-seconds and GB-seconds (billed per second, one minute
 * at least) times the region's on-demand price from {@code fargate-prices.tsv}; Spot at the full 70%
 * discount AWS advertises (the real Spot price varies, and a task may fall back to on-demand). A region
 * without a row is priced at us-east-1's, and says so.
 *
 * @param region   where the builds run, or null when unknown (the local mode)
 * @param pricedAs the region whose prices are used
 */
public record Pricing(String region, String pricedAs, Map<String, double[]> perArch) {

    public static final String FALLBACK_REGION = "us-east-1";
    /** Fargate Spot: "up to a 70% discount off the regular Fargate price" (docs/cost.md). */
    public static final double SPOT_DISCOUNT = 0.70;
    private static final int MINIMUM_SECONDS = 60;

    /** One task's estimate. */
    public record Estimate(double vcpu, double gb, long billedSeconds, boolean spot, double usd) {

        public double vcpuSeconds() {
            return vcpu * billedSeconds;
        }

        public double gbSeconds() {
            return gb * billedSeconds;
        }

        public String pricing() {
            return spot ? "spot" : "on-demand";
        }
    }

    public static Pricing forRegion(String region) {
        Map<String, Map<String, double[]>> table = table();
        String pricedAs = region != null && table.containsKey(region) ? region : FALLBACK_REGION;
        return new Pricing(region, pricedAs, table.get(pricedAs));
    }

    /** Null for what Bakery does not run on Fargate (a Kubernetes task: your cluster's cost) or a task that never ran. */
    public Optional<Estimate> estimate(BuildTask task, Long durationMs) {
        double[] prices = perArch.get(task.arch().key());
        if (task.platform() != Platform.ECS || durationMs == null || prices == null) {
            return Optional.empty();
        }
        long billed = Math.max(MINIMUM_SECONDS, (durationMs + 999) / 1000);
        double vcpu = task.resources().milliCpu() / 1000.0;
        double gb = task.resources().memoryMiB() / 1024.0;
        double usd = billed * (vcpu * prices[0] + gb * prices[1]) / 3600;
        return Optional.of(new Estimate(vcpu, gb, billed, task.spot(), task.spot() ? usd * (1 - SPOT_DISCOUNT) : usd));
    }

    /** How the estimate was priced, for the summaries: {@code Fargate us-east-1 list prices}. */
    public String describe() {
        return "Fargate " + pricedAs + " list prices" + (pricedAs.equals(region) ? ""
                : region == null ? " (region unknown)" : " (no row for " + region + ")")
                + ", Spot at " + Math.round(SPOT_DISCOUNT * 100) + "% off";
    }

    static String usd(double usd) {
        return String.format(java.util.Locale.ROOT, "$%.4f", usd);
    }

    /** region → arch → {per vCPU-hour, per GB-hour}. */
    static Map<String, Map<String, double[]>> table() {
        try (InputStream in = Pricing.class.getResourceAsStream("fargate-prices.tsv")) {
            Map<String, Map<String, double[]>> table = new LinkedHashMap<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] cells = line.split("\t");
                table.computeIfAbsent(cells[0], r -> new LinkedHashMap<>()).put(cells[1],
                        new double[] {Double.parseDouble(cells[2]), Double.parseDouble(cells[3])});
            }
            return table;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
