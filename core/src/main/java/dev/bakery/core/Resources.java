package dev.bakery.core;

/**
 * CPU and memory of one build task.
 *
 * @param milliCpu  thousandths of a vCPU (500 = 0.5 vCPU), the Kubernetes unit
 * @param memoryMiB mebibytes, the unit of ECS overrides
 */
public record Resources(int milliCpu, int memoryMiB) {

    public Resources {
        if (milliCpu <= 0 || memoryMiB <= 0) {
            throw new IllegalArgumentException("cpu and memory must be positive: " + milliCpu + "m, " + memoryMiB + "Mi");
        }
    }

    /** ECS CPU units (1024 per vCPU), as RunTask overrides want them. */
    public int ecsCpuUnits() {
        return Math.toIntExact(Math.round(milliCpu * 1024 / 1000.0));
    }
}
