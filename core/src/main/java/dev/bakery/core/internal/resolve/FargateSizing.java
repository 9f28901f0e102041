package dev.bakery.core.internal.resolve;

import dev.bakery.core.Resources;
import dev.bakery.core.internal.InvalidValueException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * CPU and memory as users write them, and the AWS Fargate (Linux) task sizes they must land on.
 * Fargate accepts only fixed cpu/memory pairs and rejects anything else at RunTask time, so we
 * round a request up to the smallest pair that fits while resolving the config, where the user can
 * still be told, instead of failing once the build is already starting.
 */
public final class FargateSizing {

    /** One Fargate cpu value and the memory sizes allowed with it, smallest first. */
    private record Size(int milliCpu, List<Integer> memoryMiB, String memoryText) {

        static Size range(int milliCpu, int minGiB, int maxGiB, int stepGiB) {
            List<Integer> memory = IntStream.iterate(minGiB, g -> g <= maxGiB, g -> g + stepGiB)
                    .mapToObj(g -> g * 1024)
                    .toList();
            return new Size(milliCpu, memory, minGiB + "-" + maxGiB + " GiB in " + stepGiB + " GiB steps");
        }

        int maxMiB() {
            return memoryMiB.get(memoryMiB.size() - 1);
        }

        String text() {
            return vcpu(milliCpu) + " vCPU with " + memoryText;
        }
    }

    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
    private static final List<Size> SIZES = List.of(
            new Size(250, List.of(512, 1024, 2048), "512 MiB, 1 GiB or 2 GiB"),
            Size.range(500, 1, 4, 1),
            Size.range(1000, 2, 8, 1),
            Size.range(2000, 4, 16, 1),
            Size.range(4000, 8, 30, 1),
            Size.range(8000, 16, 60, 4),
            Size.range(16000, 32, 120, 8));

    private static final String NUMBER = "(\\d+(?:\\.\\d*)?|\\.\\d+)";
    private static final Pattern CPU = Pattern.compile("(-)?" + NUMBER + "(m)?");
    private static final Pattern MEMORY = Pattern.compile(
            "(-)?" + NUMBER + "\\s*(?:(g|gb|gi|gib)|(m|mb|mi|mib))?", Pattern.CASE_INSENSITIVE);
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
    private static final BigDecimal KIBI = BigDecimal.valueOf(1024);

    private FargateSizing() {
    }

    /**
     * CPU in milli-vCPU. Takes vCPUs ({@code 0.5}, {@code 1}, {@code .25}) as ECS writes them, or
     * Kubernetes millicores ({@code 500m}) so a pod spec's value can be pasted as is. Fractions of a
     * millicore round up, so a tiny positive request never becomes zero.
     */
    public static int parseCpu(String text) throws InvalidValueException {
        String s = text == null ? "" : text.strip();
        Matcher m = CPU.matcher(s);
        if (!m.matches()) {
            throw new InvalidValueException(
                    "invalid cpu \"" + s + "\": use vCPUs such as 0.5, 1, 2 or millicores such as 500m");
        }
        BigDecimal milli = new BigDecimal(m.group(2));
        if (m.group(3) == null) {
            milli = milli.multiply(THOUSAND);
        }
        if (m.group(1) != null || milli.signum() == 0) {
            throw new InvalidValueException("cpu must be greater than 0");
        }
        return toIntRoundingUp(milli, "cpu \"" + s + "\" is too large");
    }

    /**
     * Memory in MiB. Takes {@code 2G}, {@code 2Gi}, {@code 2GB}, {@code 512M}, {@code 1.5G} in any
     * case, or a bare number of MiB as ECS task definitions write it. G, GB and Gi all mean GiB
     * (1024 MiB), because that is what Fargate means by "GB"; reading GB as 1000 MB would give a
     * size Fargate does not offer. Fractions of a MiB round up.
     */
    public static int parseMemory(String text) throws InvalidValueException {
        String s = text == null ? "" : text.strip();
        Matcher m = MEMORY.matcher(s);
        if (!m.matches()) {
            throw new InvalidValueException("invalid memory \"" + s + "\": use e.g. 512M, 2G or 2048 (MiB)");
        }
        BigDecimal mib = new BigDecimal(m.group(2));
        if (m.group(3) != null) {
            mib = mib.multiply(KIBI);
        }
        if (m.group(1) != null || mib.signum() == 0) {
            throw new InvalidValueException("memory must be greater than 0");
        }
        return toIntRoundingUp(mib, "memory \"" + s + "\" is too large");
    }

    /**
     * The smallest Fargate size with at least the requested cpu and memory: the smallest cpu value
     * at or above the request that can have that much memory, then that cpu's smallest memory size
     * at or above the request. Raising cpu for memory's sake (0.25 vCPU with 3 GiB becomes 0.5 vCPU)
     * is what Fargate forces; AWS bills both, so the smallest pair is also the cheapest.
     *
     * @throws InvalidValueException when no Fargate size is that large; the message lists what is
     */
    public static Resources roundUp(Resources requested) throws InvalidValueException {
        if (requested.milliCpu() > SIZES.get(SIZES.size() - 1).milliCpu()) {
            throw new InvalidValueException("no Fargate size has " + vcpu(requested.milliCpu())
                    + " vCPU: valid cpu values are "
                    + SIZES.stream().map(size -> vcpu(size.milliCpu())).collect(Collectors.joining(", ")));
        }
        for (Size size : SIZES) {
            if (size.milliCpu() >= requested.milliCpu() && size.maxMiB() >= requested.memoryMiB()) {
                int memory = size.memoryMiB().stream()
                        .filter(mib -> mib >= requested.memoryMiB())
                        .findFirst()
                        .orElseThrow();
                return new Resources(size.milliCpu(), memory);
            }
        }
        Size largest = SIZES.get(SIZES.size() - 1);
        // Only memory can fail here, whatever the cpu: every request up to 16 vCPU can use 16 vCPU.
        throw new InvalidValueException("no Fargate size has " + memory(requested.memoryMiB())
                + " memory (the largest is " + memory(largest.maxMiB()) + "): valid sizes are "
                + SIZES.stream().map(Size::text).collect(Collectors.joining("; ")));
    }

    /**
     * A warning when memory forced more vCPU than the cpu asked for would get on its own (0.25 vCPU with
     * 64 GiB is a 16 vCPU task, billed as such), else empty. {@code rounded} is {@link #roundUp}'s answer.
     */
    public static Optional<String> costlyRoundUp(Resources requested, Resources rounded) {
        int forCpuAlone = SIZES.stream().mapToInt(Size::milliCpu).filter(cpu -> cpu >= requested.milliCpu())
                .findFirst().orElse(rounded.milliCpu());
        if (rounded.milliCpu() <= forCpuAlone) {
            return Optional.empty();
        }
        BigDecimal times = BigDecimal.valueOf(rounded.milliCpu()).divide(BigDecimal.valueOf(requested.milliCpu()), 1,
                RoundingMode.HALF_UP).stripTrailingZeros();
        return Optional.of("memory " + memory(requested.memoryMiB()) + " needs at least "
                + vcpu(rounded.milliCpu()) + " vCPU on Fargate: the task gets " + describe(rounded) + ", "
                + times.toPlainString() + " times the " + vcpu(requested.milliCpu())
                + " vCPU asked for (Fargate bills the vCPU it gives); lower memory to keep the cpu");
    }

    /** Whether ECS accepts exactly this pair as a Fargate task size. */
    public static boolean isValid(Resources r) {
        return SIZES.stream().anyMatch(size -> size.milliCpu() == r.milliCpu() && size.memoryMiB().contains(r.memoryMiB()));
    }

    /**
     * {@code 0.5 vCPU, 2 GiB}, for messages and plan display. Memory is shown in GiB from 1 GiB up
     * when that is exact to two decimals ({@code 1.5 GiB}), otherwise in MiB ({@code 512 MiB}), so
     * the number shown is always the number used.
     */
    public static String describe(Resources r) {
        return vcpu(r.milliCpu()) + " vCPU, " + memory(r.memoryMiB());
    }

    private static String vcpu(int milliCpu) {
        return BigDecimal.valueOf(milliCpu, 3).stripTrailingZeros().toPlainString();
    }

    private static String memory(int mib) {
        if (mib >= 1024 && mib % 256 == 0) {
            return BigDecimal.valueOf(mib).divide(KIBI).stripTrailingZeros().toPlainString() + " GiB";
        }
        return mib + " MiB";
    }

    private static int toIntRoundingUp(BigDecimal value, String tooLarge) throws InvalidValueException {
        BigDecimal whole = value.setScale(0, RoundingMode.CEILING);
        if (whole.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
            throw new InvalidValueException(tooLarge);
        }
        return whole.intValueExact();
    }
}
