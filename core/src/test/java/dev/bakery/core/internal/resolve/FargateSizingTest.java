package dev.bakery.core.internal.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bakery.core.Resources;
import dev.bakery.core.internal.InvalidValueException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FargateSizingTest {

    private static final String VALID_SIZES = "valid sizes are "
            + "0.25 vCPU with 512 MiB, 1 GiB or 2 GiB; "
            + "0.5 vCPU with 1-4 GiB in 1 GiB steps; "
            + "1 vCPU with 2-8 GiB in 1 GiB steps; "
            + "2 vCPU with 4-16 GiB in 1 GiB steps; "
            + "4 vCPU with 8-30 GiB in 1 GiB steps; "
            + "8 vCPU with 16-60 GiB in 4 GiB steps; "
            + "16 vCPU with 32-120 GiB in 8 GiB steps";

    private static Resources res(String cpu, String memory) throws InvalidValueException {
        return new Resources(FargateSizing.parseCpu(cpu), FargateSizing.parseMemory(memory));
    }

    @ParameterizedTest(name = "{0} vCPU / {1} -> {2} vCPU / {3}")
    @CsvSource({
        "0.5,  2G,   0.5,  2G",
        "0.25, 3G,   0.5,  3G",
        "0.3,  0.5G, 0.5,  1G",
        "1,    1G,   1,    2G",
        "2,    17G,  4,    17G",
        "4,    31G,  8,    32G",
        "8,    17G,  8,    20G",
        "16,   100G, 16,   104G",
        "0.25, 512M, 0.25, 512M",
        "0.1,  100M, 0.25, 512M",
        "0.25, 513M, 0.25, 1G",
        "0.25, 1.5G, 0.25, 2G",
        "0.25, 2G,   0.25, 2G",
        "0.25, 2049, 0.5,  3G",
        "1m,   1,    0.25, 512M",
        "0.5,  4.1G, 1,    5G",
        "4,    30G,  4,    30G",
        "8,    61G,  16,   64G",
        "2,    60G,  8,    60G",
        "2,    61G,  16,   64G",
        "8,    1G,   8,    16G",
        "16,   1,    16,   32G",
        "16,   120G, 16,   120G",
        "8.5,  1G,   16,   32G",
    })
    void roundsUpToTheSmallestFargateSize(String cpu, String memory, String wantCpu, String wantMemory)
            throws InvalidValueException {
        assertThat(FargateSizing.roundUp(res(cpu, memory))).isEqualTo(res(wantCpu, wantMemory));
    }

    @Test
    void everyValidSizeStaysAsItIs() throws InvalidValueException {
        int[][] ranges = {{500, 1, 4, 1}, {1000, 2, 8, 1}, {2000, 4, 16, 1}, {4000, 8, 30, 1}, {8000, 16, 60, 4},
            {16000, 32, 120, 8}};
        int count = 0;
        for (int mib : new int[] {512, 1024, 2048}) {
            assertThat(FargateSizing.roundUp(new Resources(250, mib))).isEqualTo(new Resources(250, mib));
            count++;
        }
        for (int[] r : ranges) {
            for (int gib = r[1]; gib <= r[2]; gib += r[3]) {
                Resources size = new Resources(r[0], gib * 1024);
                assertThat(FargateSizing.roundUp(size)).isEqualTo(size);
                count++;
            }
        }
        assertThat(count).isEqualTo(3 + 4 + 7 + 13 + 23 + 12 + 12);
    }

    @ParameterizedTest(name = "{0} vCPU")
    @CsvSource({"32, 32", "16.001, 16.001", "17000m, 17"})
    void rejectsMoreCpuThanFargateHas(String cpu, String shown) {
        assertThatThrownBy(() -> FargateSizing.roundUp(res(cpu, "2G")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("no Fargate size has " + shown + " vCPU: valid cpu values are 0.25, 0.5, 1, 2, 4, 8, 16");
    }

    @Test
    void cpuIsReportedBeforeMemory() {
        assertThatThrownBy(() -> FargateSizing.roundUp(res("32", "200G")))
                .hasMessage("no Fargate size has 32 vCPU: valid cpu values are 0.25, 0.5, 1, 2, 4, 8, 16");
    }

    @ParameterizedTest(name = "{0} vCPU / {1}")
    @CsvSource({"0.5, 200G, 200 GiB", "16, 121G, 121 GiB", "0.25, 122881, 122881 MiB", "1, 120.5G, 120.5 GiB"})
    void rejectsMoreMemoryThanFargateHas(String cpu, String memory, String shown) {
        assertThatThrownBy(() -> FargateSizing.roundUp(res(cpu, memory)))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("no Fargate size has " + shown + " memory (the largest is 120 GiB): " + VALID_SIZES);
    }

    @ParameterizedTest(name = "{0} = {1}m")
    @CsvSource({
        "0.5, 500",
        "1, 1000",
        "2, 2000",
        "16, 16000",
        ".25, 250",
        "0.25, 250",
        "1., 1000",
        "250m, 250",
        "500m, 500",
        "1500m, 1500",
        "'  2 ', 2000",
        "0.0001, 1",
        "0.5m, 1",
        "1.0005, 1001",
        "2147483.647, 2147483647",
    })
    void parsesCpu(String text, int milliCpu) throws InvalidValueException {
        assertThat(FargateSizing.parseCpu(text)).isEqualTo(milliCpu);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "", "1 vCPU", "500 m", "500M", "1k", "0.5.5", ".", "m", "+1", "1e3", "--1", "½"})
    void rejectsCpuGarbage(String text) {
        assertThatThrownBy(() -> FargateSizing.parseCpu(text))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("invalid cpu \"" + text + "\": use vCPUs such as 0.5, 1, 2 or millicores such as 500m");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0.0", "0m", "-1", "-0.5", "-500m", ".0"})
    void rejectsCpuNotAboveZero(String text) {
        assertThatThrownBy(() -> FargateSizing.parseCpu(text))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("cpu must be greater than 0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2147484", "2147483648m", "99999999999999999999"})
    void rejectsCpuBeyondInt(String text) {
        assertThatThrownBy(() -> FargateSizing.parseCpu(text))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("cpu \"" + text + "\" is too large");
    }

    @ParameterizedTest(name = "{0} = {1} MiB")
    @CsvSource({
        "2G, 2048",
        "2Gi, 2048",
        "2GB, 2048",
        "2g, 2048",
        "2gi, 2048",
        "2GiB, 2048",
        "512M, 512",
        "512Mi, 512",
        "512MB, 512",
        "512m, 512",
        "512MiB, 512",
        "1.5G, 1536",
        ".5G, 512",
        "2048, 2048",
        "'2 GiB', 2048",
        "' 512 ', 512",
        "0.5, 1",
        "1.2M, 2",
        "1.0001G, 1025",
        "120G, 122880",
    })
    void parsesMemory(String text, int mib) throws InvalidValueException {
        assertThat(FargateSizing.parseMemory(text)).isEqualTo(mib);
    }

    @ParameterizedTest
    @ValueSource(strings = {"x", "", "2T", "2K", "2GG", "G", "2 G B", "1e3", "+2G", "2,5G", "0x10", "2Gb/s"})
    void rejectsMemoryGarbage(String text) {
        assertThatThrownBy(() -> FargateSizing.parseMemory(text))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("invalid memory \"" + text + "\": use e.g. 512M, 2G or 2048 (MiB)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0G", "0.0M", "-1", "-2G"})
    void rejectsMemoryNotAboveZero(String text) {
        assertThatThrownBy(() -> FargateSizing.parseMemory(text))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("memory must be greater than 0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2097152G", "2147483648", "99999999999999999999M"})
    void rejectsMemoryBeyondInt(String text) {
        assertThatThrownBy(() -> FargateSizing.parseMemory(text))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("memory \"" + text + "\" is too large");
    }

    @Test
    void quotesTheTrimmedText() {
        assertThatThrownBy(() -> FargateSizing.parseCpu(" abc ")).hasMessageStartingWith("invalid cpu \"abc\":");
        assertThatThrownBy(() -> FargateSizing.parseMemory(" x ")).hasMessageStartingWith("invalid memory \"x\":");
    }

    @ParameterizedTest(name = "{0}m / {1} MiB -> {2}")
    @CsvSource(delimiter = '|', value = {
        "500   | 2048   | 0.5 vCPU, 2 GiB",
        "250   | 512    | 0.25 vCPU, 512 MiB",
        "1000  | 1536   | 1 vCPU, 1.5 GiB",
        "1000  | 1280   | 1 vCPU, 1.25 GiB",
        "1000  | 1025   | 1 vCPU, 1025 MiB",
        "16000 | 122880 | 16 vCPU, 120 GiB",
        "1     | 1      | 0.001 vCPU, 1 MiB",
        "1500  | 1000   | 1.5 vCPU, 1000 MiB",
    })
    void describes(int milliCpu, int mib, String expected) {
        assertThat(FargateSizing.describe(new Resources(milliCpu, mib))).isEqualTo(expected);
    }
}
