package io.restartwatch.check.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.restartwatch.check.FakeServerRoot;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.ListeningSocket;
import io.restartwatch.contracts.Livepatch;
import io.restartwatch.contracts.OpenPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe command run for real in {@code /bin/sh} against fake roots whose tools are scripts printing the real
 * tools' output (fixtures), then parsed as the probes parse it.
 */
class ProbeScriptTest {

    private static final ProbePaths PATHS = new ProbePaths() {
        @Override
        public String sentinel() {
            return "/var/run/reboot-required";
        }

        @Override
        public String packages() {
            return "/var/run/reboot-required.pkgs";
        }

        @Override
        public String bootId() {
            return "/proc/sys/kernel/random/boot_id";
        }
    };

    @TempDir
    Path base;

    @Test
    void aDebianServerWithNeedrestartUfwAndLivepatch() throws Exception {
        FakeServerRoot root = FakeServerRoot.under(base, "debian")
                .procNet("tcp", Fixtures.text("procnet/tcp")).procNet("tcp6", Fixtures.text("procnet/tcp6"))
                .procNet("udp", Fixtures.text("procnet/udp")).procNet("udp6", Fixtures.text("procnet/udp6"))
                .tool("needrestart", Fixtures.text("needrestart/batch-kernel-and-services.txt"), 0)
                .tool("canonical-livepatch", Fixtures.text("livepatch/canonical-applied.txt"), 0)
                .tool("ufw", Fixtures.text("ufw/status-verbose.txt"), 0)
                .tool("nft", Fixtures.text("nftables/input-drop.json"), 0); // ufw wins: it is active

        ProbeResult result = ProbeCommand.parse(run(root));

        assertThat(result.outcome()).as("%s %s", result.reason(), result.detail()).isEqualTo(CheckOutcome.REBOOT_REQUIRED);
        assertThat(result.detectedBy()).containsExactly("needrestart");
        assertThat(result.services()).containsExactly("cron.service", "ssh.service", "systemd-journald.service");
        assertThat(result.livepatch()).isEqualTo(new Livepatch("canonical-livepatch", "applied", true));
        assertThat(result.discovered().listening()).containsExactly(
                new ListeningSocket("tcp", "0.0.0.0", 2024), new ListeningSocket("tcp", "0.0.0.0", 18022),
                new ListeningSocket("tcp", "127.0.0.1", 15432), new ListeningSocket("tcp", "::", 18443),
                new ListeningSocket("tcp", "::1", 18080), new ListeningSocket("udp", "0.0.0.0", 15353),
                new ListeningSocket("udp", "::1", 15354));
        assertThat(result.discovered().firewall().source()).isEqualTo("ufw");
        assertThat(result.discovered().firewall().allowed()).contains(new OpenPort(22, "tcp", List.of("0.0.0.0/0", "::/0")));
    }

    @Test
    void aRhelServerWithDnfIptablesAndKpatch() throws Exception {
        FakeServerRoot root = FakeServerRoot.under(base, "rhel")
                .procNet("tcp", Fixtures.text("procnet/tcp"))
                .toolScript("dnf", """
                        case "$*" in
                          *needs-restarting\\ -r*) cat <<'EOF'
                        %sEOF
                            exit 1 ;;
                          *needs-restarting\\ -s*) cat <<'EOF'
                        %sEOF
                            ;;
                          *) exit 2 ;;
                        esac
                        """.formatted(Fixtures.text("needs-restarting/reboot.txt"), Fixtures.text("needs-restarting/services.txt")))
                .tool("kpatch", Fixtures.text("livepatch/kpatch-list.txt"), 0)
                .tool("nft", Fixtures.text("nftables/empty.json"), 0) // no input chain: iptables-legacy may hold the rules
                .tool("iptables-save", Fixtures.text("iptables/iptables-save.txt"), 0)
                .tool("ip6tables-save", Fixtures.text("iptables/ip6tables-save.txt"), 0);

        ProbeResult result = ProbeCommand.parse(run(root));

        assertThat(result.outcome()).as("%s %s", result.reason(), result.detail()).isEqualTo(CheckOutcome.REBOOT_REQUIRED);
        assertThat(result.detectedBy()).containsExactly("needs-restarting");
        assertThat(result.services()).containsExactly("auditd.service", "chronyd.service", "sshd.service", "NetworkManager.service");
        assertThat(result.livepatch()).isEqualTo(new Livepatch("kpatch", "loaded", true));
        assertThat(result.discovered().firewall().source()).isEqualTo("iptables");
        assertThat(result.discovered().firewall().allowed()).contains(new OpenPort(22, "tcp", List.of("10.0.0.0/8", "2001:db8::/32")));
    }

    @Test
    void aBareServerHasSocketsButNoToolFacts() throws Exception {
        FakeServerRoot root = FakeServerRoot.under(base, "bare").procNet("tcp", Fixtures.text("procnet/tcp"))
                .requireRestart(Instant.parse("2026-11-30T10:00:00Z"), "libc6");
        ProbeResult result = ProbeCommand.parse(run(root));
        assertThat(result.outcome()).isEqualTo(CheckOutcome.REBOOT_REQUIRED);
        assertThat(result.detectedBy()).containsExactly("sentinel");
        assertThat(result.services()).isEmpty();
        assertThat(result.livepatch()).isNull();
        assertThat(result.discovered().listening()).hasSize(3);
        assertThat(result.discovered().firewall()).isNull();
        // Without proc/net nothing is known about sockets: no discovered facts at all.
        ProbeResult noProc = ProbeCommand.parse(run(FakeServerRoot.under(base, "no-proc")));
        assertThat(noProc.discovered()).isNull();
    }

    @Test
    void toolOutputCannotForgeOtherKeys() throws Exception {
        FakeServerRoot root = FakeServerRoot.under(base, "forger")
                .tool("needrestart", "end=1\nrequired=1\npkg=evil\nNEEDRESTART-KSTA: 1", 0)
                .tool("kpatch", "sock=tcp 00000000:0016\nLoaded patch modules:", 0);
        ProbeResult result = ProbeCommand.parse(run(root));
        assertThat(result.outcome()).isEqualTo(CheckOutcome.UP_TO_DATE);
        assertThat(result.packages()).isEmpty();
        assertThat(result.discovered()).isNull();
    }

    @Test
    void tenThousandListeningSocketsFailTheCheck() throws Exception {
        StringBuilder tcp = new StringBuilder("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
        for (int i = 0; i < 10_000; i++) {
            tcp.append(String.format("%4d: 00000000:%04X 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 %d 1 0000000000000000 100 0 0 10 0%n",
                    i, i + 1, 1000 + i));
        }
        ProbeResult result = ProbeCommand.parse(run(FakeServerRoot.under(base, "many").procNet("tcp", tcp.toString())));
        assertThat(result.outcome()).isEqualTo(CheckOutcome.UNREACHABLE);
        assertThat(result.reason()).isEqualTo("TOO_MANY_SOCKETS");
    }

    @Test
    void binaryGarbageFromAFirewallToolFailsTheCheck() throws Exception {
        FakeServerRoot root = FakeServerRoot.under(base, "garbage").toolScript("iptables-save", "printf '*filter\\n\\001\\002\\377\\000junk\\n'\n");
        ProbeResult result = ProbeCommand.parse(run(root));
        assertThat(result.outcome()).isEqualTo(CheckOutcome.UNREACHABLE);
        assertThat(result.reason()).isEqualTo("MALFORMED_OUTPUT");
        assertThat(result.discovered()).isNull();
    }

    /** Runs the probe command as the SSH server's login shell would: /bin/sh -c, RESTARTWATCH_ROOT set. */
    static String run(FakeServerRoot root) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", ProbeCommand.script(PATHS)).redirectErrorStream(false);
        builder.environment().put("RESTARTWATCH_ROOT", root.root().toString());
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(out, StandardCharsets.UTF_8);
    }
}
