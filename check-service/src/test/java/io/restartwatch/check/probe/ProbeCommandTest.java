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

    @Test
    void aMegabyteOfFirewallRulesFailsTheCheckNamingWhy() {
        String rules = IntStream.range(0, 12_000).mapToObj(i -> "fw4=-A INPUT -p tcp --dport " + (i % 65535 + 1) + " -j ACCEPT -m comment --comment padding-padding-padding")
                .collect(Collectors.joining("\n"));
        assertThat(rules.length()).isGreaterThan(1_000_000);
        ProbeResult result = ProbeCommand.parse("required=0\nkernel=6.8.0-48-generic\nfw_tool=iptables\n" + rules + "\nend=1\n");
        assertThat(result.outcome()).isEqualTo(CheckOutcome.UNREACHABLE);
        assertThat(result.reason()).isEqualTo("FIREWALL_TOO_LARGE");
        assertThat(result.detail()).contains("512 KiB");
    }

    @Test
    void outputCutAtTheCapIsNamedByTheSectionItWasIn() {
        assertThat(ProbeCommand.overflowReason("required=0\nfw_tool=nftables\nfw={\"nftables\": [{\"rule")).isEqualTo("FIREWALL_TOO_LARGE");
        assertThat(ProbeCommand.overflowReason("required=0\nsockets=1\nsock=tcp 00000000:0016\nsock=tcp 0000")).isEqualTo("TOO_MANY_SOCKETS");
        assertThat(ProbeCommand.overflowReason("required=1\npkg=libc6\npkg=lib")).isEqualTo("OUTPUT_TOO_LARGE");
    }

    @Test
    void hostileSocketLinesFailTheCheckAndNothingIsKept() {
        ProbeResult result = ProbeCommand.parse("required=1\nsince=1700000000\npkg=libc6\nkernel=6.8.0-48-generic\nsockets=1\n"
                + "sock=tcp 00000000:0016\nsock=tcp \u0000\u00ff\u0001garbage\nend=1\n");
        assertThat(result.outcome()).isEqualTo(CheckOutcome.UNREACHABLE);
        assertThat(result.reason()).isEqualTo("MALFORMED_OUTPUT");
        assertThat(result.packages()).isEmpty();
        assertThat(result.discovered()).isNull();
    }

    @Test
    void servicesAloneNeedNoReboot() {
        ProbeResult result = ProbeCommand.parse("required=0\nkernel=6.1.0-18-amd64\nnr=NEEDRESTART-KSTA: 1\n"
                + "nr=NEEDRESTART-SVC: nginx.service\nnr=NEEDRESTART-SVC: nginx.service\nnrr=0\nnrs=nginx.service\nend=1\n");
        assertThat(result.outcome()).isEqualTo(CheckOutcome.UP_TO_DATE);
        assertThat(result.detectedBy()).isEmpty();
        assertThat(result.services()).containsExactly("nginx.service");
    }

    private static String output(int packages, int times) {
        String pkgs = IntStream.range(0, times).mapToObj(t -> IntStream.range(0, packages).mapToObj(i -> "pkg=lib" + i)
                .collect(Collectors.joining("\n"))).collect(Collectors.joining("\n"));
        return "required=1\nsince=1700000000\n" + pkgs + "\nboot_id=b\nkernel=6.8.0-48-generic\nend=1\n";
    }
}
