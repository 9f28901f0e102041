package dev.bakery.k8s.kube;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NamesTest {

    private static final String LABEL_VALUE = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";

    @Test
    void aJobNameIsADnsLabelPerToken() {
        String name = Names.jobName("arm64-2", "token-a");

        assertThat(name).matches("bakery-arm64-2-[0-9a-f]{10}").hasSizeLessThanOrEqualTo(63);
        assertThat(Names.jobName("arm64-2", "token-a")).isEqualTo(name);
        assertThat(Names.jobName("arm64-2", "token-b")).isNotEqualTo(name);
        assertThat(Names.jobName("a".repeat(32), "t")).hasSizeLessThanOrEqualTo(63);
    }

    @Test
    void labelValuesStayReadableAndValid() {
        assertThat(Names.labelValue("b-20250101T000000Z-k3j9-api")).isEqualTo("b-20250101T000000Z-k3j9-api");

        String longId = "b-20250101T000000Z-k3j9x2-" + "service".repeat(8);
        String value = Names.labelValue(longId);
        assertThat(value).hasSizeLessThanOrEqualTo(63).matches(LABEL_VALUE).startsWith("b-20250101T000000Z-k3j9x2-service");
        assertThat(Names.labelValue(longId + "2")).isNotEqualTo(value);
        assertThat(Names.labelValue("-odd/value-")).matches(LABEL_VALUE);
    }
}
