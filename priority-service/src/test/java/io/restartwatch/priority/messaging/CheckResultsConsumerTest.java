package io.restartwatch.priority.messaging;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;

import io.restartwatch.contracts.DiscoveredExposure;
import io.restartwatch.contracts.FirewallFacts;
import io.restartwatch.contracts.ListeningSocket;
import io.restartwatch.contracts.OpenPort;
import io.restartwatch.support.messaging.PoisonEventException;
import org.junit.jupiter.api.Test;

/** Discovered exposure no real server reports is refused with the reason, before anything is stored. */
class CheckResultsConsumerTest {

    @Test
    void realisticDiscoveredFactsPass() {
        assertThatCode(() -> CheckResultsConsumer.validateDiscovered("e1", new DiscoveredExposure(
                List.of(new ListeningSocket("tcp", "0.0.0.0", 22), new ListeningSocket("udp", "::", 53)),
                new FirewallFacts("ufw", true, List.of(new OpenPort(22, "tcp", List.of("10.0.0.0/8")))))))
                .doesNotThrowAnyException();
        assertThatCode(() -> CheckResultsConsumer.validateDiscovered("e2", null)).doesNotThrowAnyException();
    }

    @Test
    void tooManySocketsOrRulesArePoison() {
        List<ListeningSocket> sockets = IntStream.rangeClosed(1, DiscoveredExposure.MAX_SOCKETS + 1)
                .mapToObj(port -> new ListeningSocket("tcp", "0.0.0.0", port)).toList();
        assertThatThrownBy(() -> CheckResultsConsumer.validateDiscovered("e3", new DiscoveredExposure(sockets, null)))
                .isInstanceOf(PoisonEventException.class).hasMessageContaining("4097 listening sockets");

        List<OpenPort> rules = Collections.nCopies(DiscoveredExposure.MAX_FIREWALL_RULES + 1, new OpenPort(22, "tcp", List.of("10.0.0.0/8")));
        assertThatThrownBy(() -> CheckResultsConsumer.validateDiscovered("e4", new DiscoveredExposure(List.of(), new FirewallFacts("nftables", true, rules))))
                .isInstanceOf(PoisonEventException.class).hasMessageContaining("firewall rules");
    }

    @Test
    void socketsAndRulesWithoutAValidPortArePoison() {
        assertThatThrownBy(() -> CheckResultsConsumer.validateDiscovered("e5",
                new DiscoveredExposure(List.of(new ListeningSocket("tcp", "0.0.0.0", 0)), null)))
                .isInstanceOf(PoisonEventException.class).hasMessageContaining("port 1-65535");
        assertThatThrownBy(() -> CheckResultsConsumer.validateDiscovered("e6",
                new DiscoveredExposure(List.of(new ListeningSocket(null, "0.0.0.0", 22)), null)))
                .isInstanceOf(PoisonEventException.class);
        assertThatThrownBy(() -> CheckResultsConsumer.validateDiscovered("e7", new DiscoveredExposure(List.of(),
                new FirewallFacts("iptables", true, List.of(new OpenPort(70000, "tcp", List.of("10.0.0.0/8")))))))
                .isInstanceOf(PoisonEventException.class);
    }
}
