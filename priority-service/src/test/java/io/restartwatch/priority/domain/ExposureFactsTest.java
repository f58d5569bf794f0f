package io.restartwatch.priority.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.restartwatch.contracts.DiscoveredExposure;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.ExposureFact;
import io.restartwatch.contracts.FirewallFacts;
import io.restartwatch.contracts.ListeningSocket;
import io.restartwatch.contracts.OpenPort;
import io.restartwatch.contracts.PriorityFactor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Declared ports joined with discovered sockets and host firewall rules, and how the model weighs and explains them. */
class ExposureFactsTest {

    private static final Instant NOW = Instant.parse("2026-12-01T08:00:00Z");
    private static final OpenPort HTTPS_INTERNAL = new OpenPort(443, "tcp", List.of("10.0.0.0/8"));

    @Test
    void withoutDiscoveryOnlyDeclaredPortsCountAndTheyAreOpen() {
        assertThat(ExposureClassifier.facts(List.of(HTTPS_INTERNAL), null, UndeclaredExposure.PUBLIC)).containsExactly(
                new ExposureFact(443, "tcp", "declared", "open", List.of("10.0.0.0/8"), Exposure.INTERNAL));
    }

    @ParameterizedTest(name = "undeclared={0} → {1}, +{2}")
    @CsvSource(textBlock = """
            PUBLIC,     PUBLIC,     40
            RESTRICTED, RESTRICTED, 20
            IGNORE,     INTERNAL,   0
            """)
    void anUndeclaredWildcardListenerIsWeighedByTheSetting(UndeclaredExposure setting, Exposure exposure, int points) {
        DiscoveredExposure discovered = listening(socket("0.0.0.0", 443), socket("::", 8080), socket("0.0.0.0", 8080));

        List<ExposureFact> facts = ExposureClassifier.facts(List.of(HTTPS_INTERNAL), discovered, setting);

        assertThat(facts).containsExactly(
                new ExposureFact(443, "tcp", "declared", "open", List.of("10.0.0.0/8"), Exposure.INTERNAL),
                new ExposureFact(8080, "tcp", "listening", "undeclared", List.of(), exposure));
        Assessment assessment = PriorityModel.assess(PendingRestart.reboot(NOW, List.of(), null, null), facts, Policy.defaults(), NOW);
        assertThat(assessment.exposure()).isEqualTo(exposure);
        PriorityFactor exposureFactor = factor(assessment, "exposure");
        assertThat(exposureFactor.contribution()).isEqualTo(points);
        String undeclared = "listening: port 8080/tcp on every interface, undeclared, "
                + (setting == UndeclaredExposure.IGNORE ? "ignored" : "weighed")
                + " as restartwatch.priority.undeclared says (" + exposure.name().toLowerCase() + ")";
        if (setting == UndeclaredExposure.IGNORE) {
            // Nothing decided the exposure, yet the undeclared listener is named in the explanation.
            assertThat(exposureFactor.detail()).isEqualTo("open to private ranges only (internal)");
            assertThat(assessment.factors()).contains(new PriorityFactor("undeclared", undeclared, 0));
        } else {
            assertThat(exposureFactor.detail()).isEqualTo(undeclared);
        }
        assertThat(sum(assessment)).isEqualTo(assessment.score());
    }

    @Test
    void loopbackAndSingleAddressSocketsAreNeverUndeclared() {
        DiscoveredExposure discovered = listening(socket("127.0.0.1", 5432), socket("::1", 6379), socket("127.0.0.53", 53),
                socket("10.1.2.3", 9100));

        assertThat(ExposureClassifier.facts(List.of(), discovered, UndeclaredExposure.PUBLIC)).isEmpty();
        assertThat(PriorityModel.assess(PendingRestart.reboot(NOW, List.of(), null, null),
                ExposureClassifier.facts(List.of(), discovered, UndeclaredExposure.PUBLIC), Policy.defaults(), NOW).score()).isEqualTo(10);
    }

    @Test
    void dhcpClientSocketsOnEveryInterfaceAreNoUndeclaredService() {
        DiscoveredExposure discovered = listening(new ListeningSocket("udp", "0.0.0.0", 68), new ListeningSocket("udp", "::", 546),
                new ListeningSocket("udp", "0.0.0.0", 5353));

        assertThat(ExposureClassifier.facts(List.of(), discovered, UndeclaredExposure.PUBLIC))
                .extracting(ExposureFact::port).containsExactly(5353);
    }

    @Test
    void aDeclaredPortWithOnlyALoopbackListenerIsNotListeningButStillCounts() {
        OpenPort https = new OpenPort(443, "tcp", List.of("0.0.0.0/0"));
        OpenPort ssh = new OpenPort(22, "tcp", List.of("10.0.0.0/8"));
        DiscoveredExposure discovered = listening(socket("127.0.0.1", 443), socket("10.1.2.3", 22));

        List<ExposureFact> facts = ExposureClassifier.facts(List.of(https, ssh), discovered, UndeclaredExposure.RESTRICTED);

        assertThat(facts).extracting(ExposureFact::port, ExposureFact::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(443, "not-listening"), org.assertj.core.groups.Tuple.tuple(22, "open"));
        Assessment assessment = PriorityModel.assess(PendingRestart.reboot(NOW, List.of(), null, null), facts, Policy.defaults(), NOW);
        assertThat(assessment.exposure()).isEqualTo(Exposure.PUBLIC);
        assertThat(factor(assessment, "exposure").detail())
                .isEqualTo("declared: port 443/tcp open to 0.0.0.0/0, nothing listening on it (public)");
    }

    @Test
    void aNotListeningPortThatDidNotDecideIsNamedWithNoPoints() {
        OpenPort https = new OpenPort(443, "tcp", List.of("0.0.0.0/0"));
        OpenPort metrics = new OpenPort(9100, "tcp", List.of("10.0.0.0/8"));
        DiscoveredExposure discovered = listening(socket("::", 443));

        Assessment assessment = PriorityModel.assess(PendingRestart.reboot(NOW, List.of(), null, null),
                ExposureClassifier.facts(List.of(https, metrics), discovered, UndeclaredExposure.RESTRICTED), Policy.defaults(), NOW);

        assertThat(assessment.factors()).contains(new PriorityFactor("not-listening",
                "declared: port 9100/tcp open to 10.0.0.0/8, nothing listening on it (internal)", 0));
        assertThat(assessment.score()).isEqualTo(50);
    }

    @Test
    void aFilteringFirewallWithoutAnAcceptRuleMakesAnUndeclaredListenerUnreachable() {
        FirewallFacts nftables = new FirewallFacts("nftables", true, List.of(new OpenPort(22, "tcp", List.of("10.0.0.0/8"))));
        DiscoveredExposure discovered = new DiscoveredExposure(List.of(socket("0.0.0.0", 22), socket("0.0.0.0", 8080)), nftables);

        List<ExposureFact> facts = ExposureClassifier.facts(List.of(), discovered, UndeclaredExposure.PUBLIC);

        assertThat(facts).containsExactly(
                new ExposureFact(22, "tcp", "firewall", "undeclared", List.of("10.0.0.0/8"), Exposure.INTERNAL),
                new ExposureFact(8080, "tcp", "firewall", "undeclared", List.of(), Exposure.INTERNAL));
        Assessment assessment = PriorityModel.assess(PendingRestart.reboot(NOW, List.of(), null, null), facts, Policy.defaults(), NOW);
        assertThat(assessment.exposure()).isEqualTo(Exposure.INTERNAL);
        assertThat(assessment.factors()).contains(new PriorityFactor("undeclared",
                "firewall: port 8080/tcp listening, undeclared, no firewall rule accepts it (internal)", 0));
    }

    @Test
    void aFirewallAcceptFromAnywhereMakesAnUndeclaredListenerPublicWhateverTheSetting() {
        // ufw: default deny incoming, "8080/tcp ALLOW IN Anywhere" and "Anywhere (v6)".
        FirewallFacts ufw = new FirewallFacts("ufw", true, List.of(new OpenPort(8080, "tcp", List.of("0.0.0.0/0", "::/0"))));
        DiscoveredExposure discovered = new DiscoveredExposure(List.of(socket("0.0.0.0", 8080)), ufw);

        List<ExposureFact> facts = ExposureClassifier.facts(List.of(), discovered, UndeclaredExposure.IGNORE);

        assertThat(facts).containsExactly(new ExposureFact(8080, "tcp", "firewall", "undeclared", List.of("0.0.0.0/0", "::/0"), Exposure.PUBLIC));
        assertThat(factor(PriorityModel.assess(PendingRestart.reboot(NOW, List.of(), null, null), facts, Policy.defaults(), NOW), "exposure").detail())
                .isEqualTo("firewall: port 8080/tcp listening, undeclared, accepted from 0.0.0.0/0, ::/0 (public)");
    }

    @Test
    void firewallRulesThatTogetherCoverTheInternetArePublic() {
        FirewallFacts iptables = new FirewallFacts("iptables", true,
                List.of(new OpenPort(8080, "tcp", List.of("0.0.0.0/1")), new OpenPort(8080, "tcp", List.of("128.0.0.0/1"))));
        DiscoveredExposure discovered = new DiscoveredExposure(List.of(socket("0.0.0.0", 8080)), iptables);

        assertThat(ExposureClassifier.facts(List.of(), discovered, UndeclaredExposure.IGNORE))
                .singleElement().extracting(ExposureFact::exposure).isEqualTo(Exposure.PUBLIC);
    }

    @Test
    void aFirewallThatLetsEverythingInLeavesItToTheSetting() {
        FirewallFacts open = new FirewallFacts("iptables", false, List.of(new OpenPort(8080, "tcp", List.of("203.0.113.0/24"))));
        DiscoveredExposure discovered = new DiscoveredExposure(List.of(socket("0.0.0.0", 8080)), open);

        assertThat(ExposureClassifier.facts(List.of(), discovered, UndeclaredExposure.PUBLIC))
                .containsExactly(new ExposureFact(8080, "tcp", "listening", "undeclared", List.of(), Exposure.PUBLIC));
    }

    @Test
    void aDeclaredRuleCoversItsPortAndProtocolOnly() {
        DiscoveredExposure discovered = listening(socket("0.0.0.0", 443), new ListeningSocket("udp", "0.0.0.0", 443));

        List<ExposureFact> facts = ExposureClassifier.facts(List.of(HTTPS_INTERNAL), discovered, UndeclaredExposure.RESTRICTED);

        assertThat(facts).containsExactly(
                new ExposureFact(443, "tcp", "declared", "open", List.of("10.0.0.0/8"), Exposure.INTERNAL),
                new ExposureFact(443, "udp", "listening", "undeclared", List.of(), Exposure.RESTRICTED));
    }

    @Test
    void undeclaredListenersNeverLowerTheScore() {
        for (String sources : new String[] {"10.0.0.0/8", "203.0.113.0/24", "0.0.0.0/0"}) {
            List<OpenPort> declared = List.of(new OpenPort(443, "tcp", List.of(sources)));
            int declaredOnly = score(ExposureClassifier.facts(declared, null, UndeclaredExposure.RESTRICTED));
            for (UndeclaredExposure setting : UndeclaredExposure.values()) {
                int withListener = score(ExposureClassifier.facts(declared, listening(socket("0.0.0.0", 8080)), setting));
                assertThat(withListener).as(sources + " " + setting).isGreaterThanOrEqualTo(declaredOnly);
            }
        }
    }

    private static int score(List<ExposureFact> facts) {
        return PriorityModel.assess(PendingRestart.reboot(NOW.minus(Duration.ofDays(2)), List.of("openssl"), null, null),
                facts, Policy.defaults(), NOW).score();
    }

    private static DiscoveredExposure listening(ListeningSocket... sockets) {
        return new DiscoveredExposure(List.of(sockets), null);
    }

    private static ListeningSocket socket(String address, int port) {
        return new ListeningSocket("tcp", address, port);
    }

    private static PriorityFactor factor(Assessment assessment, String name) {
        return assessment.factors().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    }

    private static int sum(Assessment assessment) {
        return assessment.factors().stream().mapToInt(PriorityFactor::contribution).sum();
    }
}
