package dev.bakery.core;

import dev.bakery.core.internal.InvalidValueException;
import dev.bakery.core.internal.resolve.FargateSizing;
import dev.bakery.core.internal.resolve.GoDuration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Values a task gets when neither its bake entry nor {@code global} sets them.
 *
 * @param resources      cpu and memory ({@code DEFAULT_BUILD_CPU}, {@code DEFAULT_BUILD_MEMORY}: 0.5 vCPU, 2G)
 * @param timeoutSeconds task timeout ({@code BUILD_TASK_TIMEOUT}: 10m)
 * @param arch           arch of a compose service that names no platform (the original used the client's own)
 */
public record Defaults(Resources resources, int timeoutSeconds, Arch arch) {

    public static final Defaults STANDARD = new Defaults(new Resources(500, 2048), 600, Arch.AMD64);

    public Defaults {
        if (resources == null || arch == null || timeoutSeconds <= 0) {
            throw new IllegalArgumentException("defaults need resources, a positive timeout and an arch");
        }
    }

    /** The standard defaults, overridden by the original Bakery's server variables where set. */
    public static Defaults fromEnvironment(Map<String, String> environment) {
        List<Problem> problems = new ArrayList<>();
        int milliCpu = STANDARD.resources().milliCpu();
        int memory = STANDARD.resources().memoryMiB();
        int timeout = STANDARD.timeoutSeconds();
        try {
            String cpu = environment.get("DEFAULT_BUILD_CPU");
            milliCpu = cpu == null || cpu.isBlank() ? milliCpu : FargateSizing.parseCpu(cpu);
        } catch (InvalidValueException e) {
            problems.add(new Problem("", "DEFAULT_BUILD_CPU", 0, 0, e.getMessage()));
        }
        try {
            String mem = environment.get("DEFAULT_BUILD_MEMORY");
            memory = mem == null || mem.isBlank() ? memory : FargateSizing.parseMemory(mem);
        } catch (InvalidValueException e) {
            problems.add(new Problem("", "DEFAULT_BUILD_MEMORY", 0, 0, e.getMessage()));
        }
        try {
            String t = environment.get("BUILD_TASK_TIMEOUT");
            timeout = t == null || t.isBlank() ? timeout : Math.toIntExact(GoDuration.parse(t).toSeconds());
        } catch (InvalidValueException e) {
            problems.add(new Problem("", "BUILD_TASK_TIMEOUT", 0, 0, e.getMessage()));
        }
        if (!problems.isEmpty()) {
            throw new BakeryConfigException(problems);
        }
        if (timeout <= 0 || timeout > BuildTask.MAX_TIMEOUT_SECONDS) {
            throw new BakeryConfigException(new Problem("", "BUILD_TASK_TIMEOUT", 0, 0, "must be between 1s and 24h"));
        }
        return new Defaults(new Resources(milliCpu, memory), timeout, STANDARD.arch());
    }
}
