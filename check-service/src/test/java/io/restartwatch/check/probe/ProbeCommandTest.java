package io.restartwatch.check.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.restartwatch.contracts.CheckOutcome;
import org.junit.jupiter.api.Test;

class ProbeCommandTest {

    @Test
    void moreThanFiveHundredDistinctPackagesFailTheCheck() {
        ProbeResult result = ProbeCommand.parse(output(501, 1));
        assertThat(result.outcome()).isEqualTo(CheckOutcome.UNREACHABLE);
        assertThat(result.reason()).isEqualTo("TOO_MANY_PACKAGES");
        assertThat(result.detail()).contains("500");
        assertThat(result.packages()).isEmpty();
    }

    @Test
    void duplicatesDoNotCountTowardsTheCap() {
        // notify-reboot-required appends: the same package many times is still one package.
        ProbeResult result = ProbeCommand.parse(output(500, 3));
        assertThat(result.outcome()).isEqualTo(CheckOutcome.REBOOT_REQUIRED);
        assertThat(result.packages()).hasSize(500);
    }

    @Test
    void aTwentyDigitKernelNumberDoesNotThrow() {
        ProbeResult result = ProbeCommand.parse("required=0\nkernel=5.15.0-91-generic\ninstalled=5.15.0-99999999999999999999-generic\nend=1\n");
        assertThat(result.outcome()).isEqualTo(CheckOutcome.REBOOT_REQUIRED);
        assertThat(result.installedKernel()).isEqualTo("5.15.0-99999999999999999999-generic");
    }

    private static String output(int packages, int times) {
        String pkgs = IntStream.range(0, times).mapToObj(t -> IntStream.range(0, packages).mapToObj(i -> "pkg=lib" + i)
                .collect(Collectors.joining("\n"))).collect(Collectors.joining("\n"));
        return "required=1\nsince=1700000000\n" + pkgs + "\nboot_id=b\nkernel=6.8.0-48-generic\nend=1\n";
    }
}
