package io.restartwatch.check.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import io.restartwatch.contracts.FirewallFacts;
import io.restartwatch.contracts.ListeningSocket;
import io.restartwatch.contracts.OpenPort;
import org.junit.jupiter.api.Test;

/** nftables JSON, iptables-save and ufw status verbose, each from real output (fixtures/README.md). */
class FirewallParsersTest {

    private static final String ANY4 = "0.0.0.0/0";
    private static final String ANY6 = "::/0";

    @Test
    void nftablesInputChainWithPolicyDrop() {
        FirewallFacts facts = NftablesRuleset.parse(Fixtures.text("nftables/input-drop.json"))
                .facts(List.of(new ListeningSocket("tcp", "::", 8050)));
        assertThat(facts.source()).isEqualTo("nftables");
        assertThat(facts.inboundFiltered()).isTrue();
        assertThat(facts.allowed()).contains(
                new OpenPort(22, "tcp", List.of("10.0.0.0/8")),
                new OpenPort(80, "tcp", List.of(ANY4, ANY6)),      // anonymous set, and the named set @allowed_web
                new OpenPort(443, "tcp", List.of(ANY4, ANY6)),
                new OpenPort(8050, "tcp", List.of("2001:db8::/32")),  // range 8000-8100, where something listens
                new OpenPort(51820, "udp", List.of(ANY4, ANY6)),
                new OpenPort(5432, "tcp", List.of("172.16.0.0/12", "192.168.1.0/24")));
        assertThat(facts.allowed()).extracting(OpenPort::port).doesNotContain(9100, 8000); // a drop; a wide range's idle ports
    }

    @Test
    void aWideRangeCountsOnlyWhereSomethingListens() {
        FirewallRules rules = new FirewallRules("nftables", true,
                List.of(new FirewallRules.PortRule("tcp", 1024, 65535, List.of(ANY4))));
        assertThat(rules.facts(List.of(new ListeningSocket("tcp", "0.0.0.0", 5000), new ListeningSocket("udp", "0.0.0.0", 5001),
                new ListeningSocket("tcp", "0.0.0.0", 22))).allowed())
                .containsExactly(new OpenPort(5000, "tcp", List.of(ANY4)));
    }

    @Test
    void firewalldsChainsAreFollowedAndItsFinalRejectFilters() {
        FirewallFacts facts = NftablesRuleset.parse(Fixtures.text("nftables/firewalld.json")).facts(List.of());
        assertThat(facts.inboundFiltered()).as("policy accept, but ends in reject").isTrue();
        assertThat(facts.allowed()).contains(
                new OpenPort(22, "tcp", List.of(ANY4, ANY6)),
                new OpenPort(9090, "tcp", List.of(ANY4, ANY6)),
                new OpenPort(8443, "tcp", List.of("203.0.113.0/24")));
        assertThat(facts.allowed()).extracting(OpenPort::port).contains(546);
    }

    @Test
    void anAcceptPolicyFiltersNothingAndAnEmptyRulesetHasNoFilter() {
        FirewallFacts docker = NftablesRuleset.parse(Fixtures.text("nftables/accept-policy.json")).facts(List.of());
        assertThat(docker.inboundFiltered()).isFalse();
        assertThat(docker.allowed()).isEmpty();
        FirewallFacts empty = NftablesRuleset.parse(Fixtures.text("nftables/empty.json")).facts(List.of());
        assertThat(empty.inboundFiltered()).isFalse();
    }

    @Test
    void unknownNftablesStatementsAreSkippedButNonJsonIsRefused() {
        String odd = """
                {"nftables":[{"chain":{"family":"inet","table":"t","name":"in","type":"filter","hook":"input","policy":"drop"}},
                 {"rule":{"family":"inet","table":"t","chain":"in","expr":[{"match":{"op":"==","left":{"osf":{"key":"name"}},"right":"Linux"}},{"accept":null}]}},
                 {"rule":{"family":"inet","table":"t","chain":"in","expr":[{"match":{"op":"==","left":{"payload":{"protocol":"tcp","field":"dport"}},"right":{"weird":1}}},{"accept":null}]}},
                 {"rule":{"family":"inet","table":"t","chain":"in","expr":[{"xt":{"type":"match","name":"recent"}},{"match":{"op":"==","left":{"payload":{"protocol":"tcp","field":"dport"}},"right":25}},{"accept":null}]}},
                 {"flowtable":{"name":"f"}}]}""";
        FirewallFacts facts = NftablesRuleset.parse(odd).facts(List.of());
        assertThat(facts.inboundFiltered()).isTrue();
        assertThat(facts.allowed()).contains(new OpenPort(25, "tcp", List.of(ANY4, ANY6)));
        assertThat(facts.allowed()).extracting(OpenPort::port).doesNotContain(0);
        assertThatThrownBy(() -> NftablesRuleset.parse("\u0000\u0007garbage{"))
                .isInstanceOf(MalformedOutputException.class).extracting("reason").isEqualTo("MALFORMED_OUTPUT");
        assertThatThrownBy(() -> NftablesRuleset.parse("{\"tables\":[]}")).isInstanceOf(MalformedOutputException.class);
    }

    @Test
    void iptablesSaveForBothFamilies() {
        FirewallFacts facts = IptablesSave.parse(Fixtures.text("iptables/iptables-save.txt"),
                Fixtures.text("iptables/ip6tables-save.txt")).facts(List.of(new ListeningSocket("tcp", "::", 8085)));
        assertThat(facts.source()).isEqualTo("iptables");
        assertThat(facts.inboundFiltered()).isTrue();
        assertThat(facts.allowed()).contains(
                new OpenPort(22, "tcp", List.of("10.0.0.0/8", "2001:db8::/32")),
                new OpenPort(443, "tcp", List.of(ANY4, ANY6)),
                new OpenPort(80, "tcp", List.of(ANY4)),          // multiport list
                new OpenPort(8085, "tcp", List.of(ANY4)),        // multiport range 8080:8090
                new OpenPort(51820, "udp", List.of(ANY4)),
                new OpenPort(5432, "tcp", List.of("192.168.1.0/24")));
        assertThat(facts.allowed()).extracting(OpenPort::port).doesNotContain(9100);
    }

    @Test
    void iptablesUserChainsAndAcceptEverything() {
        String save = """
                *filter
                :INPUT ACCEPT [0:0]
                :ufw-user-input - [0:0]
                -A INPUT -j ufw-user-input
                -A INPUT -m comment --comment "last \\"rule\\" here" -j DROP
                -A ufw-user-input -p tcp -m tcp --dport 2222 -j ACCEPT
                -A ufw-user-input -s 198.51.100.7/32 -j ACCEPT
                -A ufw-user-input -p icmp -j ACCEPT
                -A ufw-user-input ! -s 10.0.0.0/8 -p tcp --dport 3306 -j ACCEPT
                -A ufw-user-input -p tcp ! --dport 25 -j ACCEPT
                -A ufw-user-input this line is not "closed
                COMMIT
                *nat
                :PREROUTING ACCEPT [0:0]
                -A PREROUTING -p tcp --dport 8080 -j ACCEPT
                COMMIT
                """;
        FirewallFacts facts = IptablesSave.parse(save, null).facts(List.of(new ListeningSocket("tcp", "0.0.0.0", 5432)));
        assertThat(facts.inboundFiltered()).as("a comment is no condition: the DROP is the last word").isFalse();
        assertThat(facts.allowed()).contains(
                new OpenPort(2222, "tcp", List.of(ANY4)),
                new OpenPort(5432, "tcp", List.of("198.51.100.7/32")),   // every port from one host: where it listens
                new OpenPort(3306, "tcp", List.of(ANY4)));                // a negated source: from (almost) anywhere
        assertThat(facts.allowed()).extracting(OpenPort::port).doesNotContain(25, 8080);
        // No policy line for INPUT, a state listed twice: read, not a crash.
        assertThat(IptablesSave.parse("*filter\n-A INPUT -m state --state ESTABLISHED,ESTABLISHED -j ACCEPT\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n", null)
                .facts(List.of()).allowed()).containsExactly(new OpenPort(22, "tcp", List.of(ANY4)));
        String dropAll = "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\n-A INPUT -j REJECT\nCOMMIT\n";
        assertThat(IptablesSave.parse(dropAll, null).inboundFiltered()).isTrue();
    }

    @Test
    void ufwActiveWithListsRangesInterfacesAndV6() {
        FirewallRules rules = UfwStatus.parse(Fixtures.text("ufw/status-verbose.txt"));
        assertThat(rules).isNotNull();
        FirewallFacts facts = rules.facts(List.of());
        assertThat(facts.source()).isEqualTo("ufw");
        assertThat(facts.inboundFiltered()).isTrue();
        assertThat(facts.allowed()).contains(
                new OpenPort(22, "tcp", List.of(ANY4, ANY6)),
                new OpenPort(5432, "tcp", List.of("10.0.0.0/8")),
                new OpenPort(80, "tcp", List.of(ANY4, ANY6)),
                new OpenPort(443, "tcp", List.of(ANY4, ANY6)),
                new OpenPort(8080, "tcp", List.of(ANY4, ANY6)),
                new OpenPort(8080, "udp", List.of(ANY4, ANY6)),
                new OpenPort(2222, "tcp", List.of(ANY4, ANY6)));    // LIMIT still lets it in
        assertThat(facts.allowed()).extracting(OpenPort::port).doesNotContain(9100);
        // 60000:61000/udp is a wide range: only where something listens
        assertThat(rules.facts(List.of(new ListeningSocket("udp", "0.0.0.0", 60001))).allowed())
                .contains(new OpenPort(60001, "udp", List.of(ANY4, ANY6)));
    }

    @Test
    void anInactiveUfwIsNoFirewall() {
        assertThat(UfwStatus.parse(Fixtures.text("ufw/status-inactive.txt"))).isNull();
    }

    @Test
    void ufwApplicationProfilesAndOddLines() {
        String status = """
                Status: active
                Logging: on (low)
                Default: allow (incoming), allow (outgoing), disabled (routed)
                New profiles: skip

                To                         Action      From
                --                         ------      ----
                OpenSSH                    ALLOW IN    Anywhere
                Nginx Full                 ALLOW IN    203.0.113.0/24
                Some App                   ALLOW IN    Anywhere
                10.0.0.5 3306/tcp          ALLOW IN    10.0.0.9
                Anywhere                   ALLOW IN    192.0.2.0/24
                25/tcp                     ALLOW OUT   Anywhere (out)
                ☃☃☃ garbage ☃☃☃
                """;
        FirewallFacts facts = UfwStatus.parse(status).facts(List.of(new ListeningSocket("tcp", "0.0.0.0", 6379)));
        assertThat(facts.inboundFiltered()).isFalse();
        assertThat(facts.allowed()).containsExactlyInAnyOrder(
                new OpenPort(22, "tcp", List.of(ANY4)),
                new OpenPort(80, "tcp", List.of("203.0.113.0/24")),
                new OpenPort(443, "tcp", List.of("203.0.113.0/24")),
                new OpenPort(3306, "tcp", List.of("10.0.0.9/32")),
                new OpenPort(6379, "tcp", List.of("192.0.2.0/24")));
    }

    @Test
    void binaryOrOversizedFirewallOutputFailsTheCheck() {
        assertThatThrownBy(() -> Firewalls.parse("iptables", null, List.of("*filter", "\u0000\u0001\u0002"), null))
                .isInstanceOf(MalformedOutputException.class).extracting("reason").isEqualTo("MALFORMED_OUTPUT");
        List<String> megabyte = java.util.Collections.nCopies(10_000, "-A INPUT -p tcp --dport 22 -j ACCEPT " + "x".repeat(64));
        assertThatThrownBy(() -> Firewalls.parse("iptables", null, megabyte, null))
                .isInstanceOf(MalformedOutputException.class).extracting("reason").isEqualTo("FIREWALL_TOO_LARGE");
    }

    @Test
    void moreAllowedPortsThanTheCapFailTheCheck() {
        List<FirewallRules.PortRule> many = java.util.stream.IntStream.rangeClosed(1, 5000)
                .mapToObj(p -> new FirewallRules.PortRule("tcp", p, p, List.of(ANY4))).toList();
        assertThatThrownBy(() -> new FirewallRules("nftables", true, many).facts(List.of()))
                .isInstanceOf(MalformedOutputException.class).extracting("reason").isEqualTo("TOO_MANY_FIREWALL_RULES");
    }
}
