package io.restartwatch.check.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.restartwatch.contracts.Livepatch;
import org.junit.jupiter.api.Test;

/** needrestart -b, dnf needs-restarting and the livepatch tools, from their real output (fixtures/README.md). */
class RestartToolsTest {

    @Test
    void needrestartKernelUpgradeAndServices() {
        NeedrestartBatch batch = NeedrestartBatch.parse(Fixtures.lines("needrestart/batch-kernel-and-services.txt"));
        assertThat(batch.kernelStatus()).isEqualTo(3);
        assertThat(batch.rebootNeeded()).isTrue();
        assertThat(batch.runningKernel()).isEqualTo("6.1.0-17-amd64");
        assertThat(batch.expectedKernel()).isEqualTo("6.1.0-18-amd64");
        assertThat(batch.services()).containsExactly("cron.service", "ssh.service", "systemd-journald.service");
    }

    @Test
    void needrestartServicesOnlyAndUnknownKernelStatus() {
        NeedrestartBatch services = NeedrestartBatch.parse(Fixtures.lines("needrestart/batch-services-only.txt"));
        assertThat(services.rebootNeeded()).isFalse();
        assertThat(services.services()).containsExactly("nginx.service", "php8.2-fpm.service");
        NeedrestartBatch here = NeedrestartBatch.parse(Fixtures.lines("needrestart/batch-this-machine.txt"));
        assertThat(here.kernelStatus()).isZero();
        assertThat(here.rebootNeeded()).isFalse();
        assertThat(here.services()).isEmpty();
        assertThat(NeedrestartBatch.parse(List.of("NEEDRESTART-KSTA: 2")).rebootNeeded()).as("ABI-compatible upgrade").isTrue();
        assertThat(NeedrestartBatch.parse(List.of("NEEDRESTART-KSTA: 9", "garbage")).kernelStatus()).isZero();
    }

    @Test
    void needsRestartingExitCodeWithItsExplanation() {
        assertThat(NeedsRestarting.parse(1, Fixtures.lines("needs-restarting/reboot.txt"), List.of()).rebootRequired()).isTrue();
        assertThat(NeedsRestarting.parse(0, Fixtures.lines("needs-restarting/no-reboot.txt"), List.of()).rebootRequired()).isFalse();
        // dnf exits 1 for a missing plugin too ("No such command: needs-restarting" on stderr): not a reboot.
        assertThat(NeedsRestarting.parse(1, List.of(), List.of()).rebootRequired()).isNull();
        assertThat(NeedsRestarting.parse(200, List.of(), List.of()).rebootRequired()).isNull();
        assertThat(NeedsRestarting.parse(0, List.of(), Fixtures.lines("needs-restarting/services.txt")).services())
                .containsExactly("auditd.service", "chronyd.service", "sshd.service", "NetworkManager.service");
    }

    @Test
    void canonicalLivepatch() {
        assertThat(LivepatchStatus.canonical(Fixtures.lines("livepatch/canonical-applied.txt")))
                .isEqualTo(new Livepatch("canonical-livepatch", "applied", true));
        assertThat(LivepatchStatus.canonical(Fixtures.lines("livepatch/canonical-nothing-needed.txt")))
                .isEqualTo(new Livepatch("canonical-livepatch", "nothing-to-apply", true));
        assertThat(LivepatchStatus.canonical(Fixtures.lines("livepatch/canonical-upgrade-required.txt")))
                .isEqualTo(new Livepatch("canonical-livepatch", "kernel-upgrade-required", false));
        assertThat(LivepatchStatus.canonical(Fixtures.lines("livepatch/canonical-verbose.txt")))
                .isEqualTo(new Livepatch("canonical-livepatch", "applied", true));
        assertThat(LivepatchStatus.canonical(List.of("fully-patched: false", "patchState: applied")).covered()).isFalse();
        assertThat(LivepatchStatus.canonical(List.of("Machine is not enabled"))).isNull();
    }

    @Test
    void kpatch() {
        assertThat(LivepatchStatus.kpatch(Fixtures.lines("livepatch/kpatch-list.txt")))
                .isEqualTo(new Livepatch("kpatch", "loaded", true));
        assertThat(LivepatchStatus.kpatch(Fixtures.lines("livepatch/kpatch-list-none-loaded.txt")))
                .isEqualTo(new Livepatch("kpatch", "none", false));
    }
}
