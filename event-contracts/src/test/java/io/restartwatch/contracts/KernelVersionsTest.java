package io.restartwatch.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class KernelVersionsTest {

    @Test
    void comparesNumericPartsAsNumbers() {
        assertThat(KernelVersions.compare("6.8.0-49-generic", "6.8.0-48-generic")).isPositive();
        assertThat(KernelVersions.compare("6.8.0-100-generic", "6.8.0-99-generic")).isPositive();
        assertThat(KernelVersions.compare("6.10.0-1-generic", "6.9.0-200-generic")).isPositive();
        assertThat(KernelVersions.compare("6.8.0-49-generic", "6.8.0-49-generic")).isZero();
        assertThat(KernelVersions.compare("6.8", "6.8.0")).isNegative();
    }

    @Test
    void digitRunsLongerThanALongNeitherThrowNorWrap() {
        String huge = "5.15.0-99999999999999999999-generic";
        String bigger = "5.15.0-100000000000000000000-generic";
        assertThat(KernelVersions.compare(huge, "5.15.0-91-generic")).isPositive();
        assertThat(KernelVersions.compare("5.15.0-91-generic", huge)).isNegative();
        assertThat(KernelVersions.compare(bigger, huge)).isPositive();
        assertThat(KernelVersions.compare("5.15.0-" + "9".repeat(100), huge)).isPositive();
        assertThat(KernelVersions.newest(List.of("5.15.0-91-generic", huge, "5.15.0-92-generic"))).isEqualTo(huge);
    }

    @Test
    void leadingZerosDoNotChangeTheValue() {
        assertThat(KernelVersions.compare("6.8.0-0049-generic", "6.8.0-48-generic")).isPositive();
        assertThat(KernelVersions.compare("6.8.0-00000000000000000000000049", "6.8.0-50")).isNegative();
        assertThat(KernelVersions.compare("6.8.00", "6.8.0")).isNotZero(); // equal numbers, tie broken by text, never equal
        assertThat(KernelVersions.compare("6.8.0-0", "6.8.0-00")).isEqualTo(-KernelVersions.compare("6.8.0-00", "6.8.0-0"));
    }

    @Test
    void oddInputNeverThrows() {
        List<String> odd = List.of("", "generic", "-", "0", "00000", "9".repeat(1000), "1.2.3..4", "٣.٤", "6.8.0-49-generic");
        for (String a : odd) {
            for (String b : odd) {
                int ab = KernelVersions.compare(a, b);
                assertThat(Integer.signum(ab)).as("%s vs %s", a, b).isEqualTo(-Integer.signum(KernelVersions.compare(b, a)));
            }
        }
        assertThat(KernelVersions.newest(odd)).isEqualTo("9".repeat(1000));
    }
}
