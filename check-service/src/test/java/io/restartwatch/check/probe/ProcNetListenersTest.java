package io.restartwatch.check.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import io.restartwatch.contracts.ListeningSocket;
import org.junit.jupiter.api.Test;

/** The kernel's socket tables, as captured from this machine's /proc/net (fixtures/procnet). */
class ProcNetListenersTest {

    @Test
    void tcpListenersOnlyNotConnections() {
        assertThat(ProcNetListeners.fromProcFile("tcp", Fixtures.text("procnet/tcp"))).containsExactly(
                new ListeningSocket("tcp", "0.0.0.0", 2024),
                new ListeningSocket("tcp", "0.0.0.0", 18022),
                new ListeningSocket("tcp", "127.0.0.1", 15432));
    }

    @Test
    void ipv6WordsAreLittleEndian() {
        // "00000000000000000000000001000000" is ::1: the last 32-bit word 0x00000001 printed as host-order 01000000.
        assertThat(ProcNetListeners.fromProcFile("tcp6", Fixtures.text("procnet/tcp6"))).containsExactly(
                new ListeningSocket("tcp", "::", 18443),
                new ListeningSocket("tcp", "::1", 18080));
        assertThat(ProcNetListeners.decode("tcp6", "B80D0120000000000000000010000000:01BB"))
                .isEqualTo(new ListeningSocket("tcp", "2001:db8::10", 443));
        assertThat(ProcNetListeners.decode("tcp6", "0000000000000000FFFF00000100007F:0016"))
                .isEqualTo(new ListeningSocket("tcp", "::ffff:127.0.0.1", 22));
    }

    @Test
    void udpSocketsBoundWithoutARemoteAddress() {
        assertThat(ProcNetListeners.fromProcFile("udp", Fixtures.text("procnet/udp")))
                .containsExactly(new ListeningSocket("udp", "0.0.0.0", 15353));
        assertThat(ProcNetListeners.fromProcFile("udp6", Fixtures.text("procnet/udp6")))
                .containsExactly(new ListeningSocket("udp", "::1", 15354));
    }

    @Test
    void garbageIsRefusedNotGuessed() {
        assertThatThrownBy(() -> ProcNetListeners.decode("tcp", "0000000Z:0016"))
                .isInstanceOf(MalformedOutputException.class).extracting("reason").isEqualTo("MALFORMED_OUTPUT");
        assertThatThrownBy(() -> ProcNetListeners.decode("tcp", "\u0000\u0001\u00ff"))
                .isInstanceOf(MalformedOutputException.class);
        assertThatThrownBy(() -> ProcNetListeners.decode("raw", "00000000:0016"))
                .isInstanceOf(MalformedOutputException.class);
        assertThatThrownBy(() -> ProcNetListeners.decode("tcp6", "00000000:0016"))
                .isInstanceOf(MalformedOutputException.class);
    }

    @Test
    void tenThousandSocketsAreTooMany() {
        List<ListeningSocket> sockets = new ArrayList<>();
        IntStream.rangeClosed(1, 10_000).forEach(port -> sockets.add(new ListeningSocket("tcp", "0.0.0.0", port)));
        assertThatThrownBy(() -> ProcNetListeners.capped(sockets))
                .isInstanceOf(MalformedOutputException.class).extracting("reason").isEqualTo("TOO_MANY_SOCKETS");
        // Duplicates (SO_REUSEPORT workers) count once.
        List<ListeningSocket> repeated = new ArrayList<>();
        IntStream.range(0, 10_000).forEach(i -> repeated.add(new ListeningSocket("tcp", "0.0.0.0", 80)));
        assertThat(ProcNetListeners.capped(repeated)).hasSize(1);
    }
}
