/**
 * The public API of {@code core}: {@link dev.bakery.core.BuildPlanner} turns config.yaml and compose
 * text into {@link dev.bakery.core.BuildPlan}s, immutable records that {@link dev.bakery.core.PlanJson}
 * writes and reads; every user error is a {@link dev.bakery.core.BakeryConfigException}.
 */
package dev.bakery.core;
