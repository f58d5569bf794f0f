package io.restartwatch.notification.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/** The SSRF guard on its own, with DNS answers chosen by the test. */
class WebhookTargetsTest {

    private final Map<String, List<InetAddress>> dns = new HashMap<>();

    @Test
    void refusesEveryAddressThatIsNotPublic() throws Exception {
        WebhookTargets targets = targets(List.of());
        Map<InetAddress, String> refused = new java.util.LinkedHashMap<>();
        refused.put(ip("127.0.0.1"), "loopback");
        refused.put(ip("127.255.0.9"), "loopback");
        refused.put(ip("10.1.2.3"), "private");
        refused.put(ip("172.16.0.1"), "private");
        refused.put(ip("172.31.255.255"), "private");
        refused.put(ip("192.168.1.1"), "private");
        refused.put(ip("169.254.169.254"), "link-local");
        refused.put(ip("169.254.0.1"), "link-local");
        refused.put(ip("100.64.0.1"), "carrier-grade NAT");
        refused.put(ip("100.127.255.254"), "carrier-grade NAT");
        refused.put(ip("0.0.0.0"), "unspecified");
        refused.put(ip("224.0.0.251"), "multicast");
        refused.put(ip("239.255.255.250"), "multicast");
        refused.put(ip("255.255.255.255"), "reserved");
        refused.put(ip("::1"), "loopback");
        refused.put(ip("::"), "unspecified");
        refused.put(ip("fe80::1"), "link-local");
        refused.put(ip("febf:ffff::1"), "link-local");
        refused.put(ip("fc00::1"), "private");
        refused.put(ip("fd12:3456:789a::1"), "private");
        refused.put(ip("ff02::1"), "multicast");
        // IPv6 forms carrying an internal IPv4 address; Java keeps these as IPv6 when built from 16 bytes.
        refused.put(mapped(127, 0, 0, 1), "IPv4-mapped loopback");
        refused.put(mapped(169, 254, 169, 254), "IPv4-mapped link-local");
        refused.put(mapped(10, 0, 0, 1), "IPv4-mapped private");
        refused.put(ip("::a9fe:a9fe"), "IPv4-compatible link-local");
        refused.put(ip("64:ff9b::c0a8:101"), "NAT64 private");

        SoftAssertions softly = new SoftAssertions();
        int i = 0;
        for (Map.Entry<InetAddress, String> entry : refused.entrySet()) {
            String host = "internal-" + i++ + ".example.test";
            dns.put(host, List.of(entry.getKey()));
            softly.assertThatThrownBy(() -> targets.check("https://" + host + "/hook"))
                    .as(entry.getKey().toString())
                    .isInstanceOf(WebhookTargets.Refused.class)
                    .hasMessageContaining("resolves to " + entry.getKey().getHostAddress() + ", a " + entry.getValue() + " address")
                    .hasMessageContaining("restartwatch.webhooks.allowed-targets");
        }
        softly.assertAll();
    }

    @Test
    void refusesInternalAddressLiteralsWithoutAnyLookup() {
        WebhookTargets targets = new WebhookTargets(new HostResolver(), settings(List.of()));
        for (String url : List.of("http://127.0.0.1:8080/hook", "http://169.254.169.254/latest/meta-data/",
                "http://[::1]/hook", "http://[::ffff:169.254.169.254]/", "http://[::ffff:a9fe:a9fe]/", "http://[fe80::1%251]/",
                "http://[fd00::5]:9000/", "http://0.0.0.0/", "http://100.100.100.200/", "http://2130706433/")) {
            assertThatThrownBy(() -> targets.check(url)).as(url).isInstanceOf(WebhookTargets.Refused.class);
        }
    }

    @Test
    void allowsPublicAddressesAndConnectsToTheOneChecked() throws Exception {
        WebhookTargets targets = targets(List.of());
        for (String address : List.of("93.184.215.14", "8.8.8.8", "100.63.255.255", "100.128.0.1", "172.15.255.255",
                "172.32.0.1", "192.169.0.1", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "64:ff9b::808:808")) {
            dns.put("public.example.test", List.of(ip(address)));
            assertThat(targets.check("https://public.example.test/x").address()).as(address).isEqualTo(ip(address));
        }

        dns.put("hooks.example.test", List.of(ip("93.184.215.14"), ip("2606:2800:21f:cb07:6820:80da:af6b:8b2c")));
        WebhookTargets.Target target = targets.check("https://hooks.example.test/services/T1/B2/s3cr3t?x=1&y=%20#frag");
        assertThat(target).isEqualTo(new WebhookTargets.Target("hooks.example.test", 443, true,
                "/services/T1/B2/s3cr3t?x=1&y=%20", ip("93.184.215.14")));
        assertThat(targets.check("http://hooks.example.test:8080").requestUri()).isEqualTo("/");
        assertThat(targets.check("HTTP://hooks.example.test:8080").port()).isEqualTo(8080);
    }

    @Test
    void oneInternalAnswerAmongPublicOnesRefusesTheHost() throws Exception {
        WebhookTargets targets = targets(List.of());
        dns.put("mixed.example.test", List.of(ip("93.184.215.14"), ip("10.0.0.7")));
        assertThatThrownBy(() -> targets.check("https://mixed.example.test/hook"))
                .isInstanceOf(WebhookTargets.Refused.class).hasMessageContaining("10.0.0.7, a private address");
    }

    @Test
    void acceptsOnlyAbsoluteHttpUrlsOfHostsThatResolve() {
        WebhookTargets targets = targets(List.of());
        for (String url : List.of("ftp://example.test/x", "file:///etc/passwd", "gopher://example.test:70/_x",
                "javascript:alert(1)", "http:///hook", "/api/hook", "http://exa mple.test/", "jar:http://x.test!/")) {
            assertThatThrownBy(() -> targets.check(url)).as(url)
                    .isInstanceOf(WebhookTargets.Refused.class).hasMessage("must be an absolute http(s) URL");
        }
        assertThatThrownBy(() -> targets.check("https://nowhere.example.test/hook"))
                .isInstanceOf(WebhookTargets.Refused.class).hasMessage("host nowhere.example.test does not resolve");
    }

    @Test
    void theAllowListLetsListedInternalReceiversThroughAndNothingElse() throws Exception {
        WebhookTargets targets = targets(List.of("127.0.0.1/32", " 10.20.0.0/16", "fd00:1::/32", "192.168.7.7", "Hooks.Internal."));
        dns.put("a.test", List.of(ip("127.0.0.1")));
        dns.put("b.test", List.of(ip("10.20.255.1")));
        dns.put("c.test", List.of(ip("fd00:1:2::3")));
        dns.put("d.test", List.of(mapped(127, 0, 0, 1)));
        dns.put("e.test", List.of(ip("192.168.7.7")));
        dns.put("hooks.internal", List.of(ip("192.168.50.2"), ip("169.254.10.10")));
        for (String host : List.of("a.test", "b.test", "c.test", "d.test", "e.test", "hooks.internal", "HOOKS.INTERNAL")) {
            assertThat(targets.check("http://" + host + ":9000/hook").host()).isEqualTo(host);
        }
        dns.put("f.test", List.of(ip("127.0.0.2")));
        dns.put("g.test", List.of(ip("10.21.0.1")));
        dns.put("h.test", List.of(ip("fd00:2::1")));
        dns.put("i.test", List.of(ip("192.168.7.8")));
        dns.put("other.internal", List.of(ip("192.168.50.2")));
        for (String host : List.of("f.test", "g.test", "h.test", "i.test", "other.internal")) {
            assertThatThrownBy(() -> targets.check("http://" + host + "/hook")).as(host).isInstanceOf(WebhookTargets.Refused.class);
        }
    }

    @Test
    void aMalformedAllowListEntryStopsTheServiceFromStarting() {
        for (String entry : List.of("10.0.0.0/33", "10.0.0.0/x", "under_score.test", "fd00::/129")) {
            assertThatThrownBy(() -> targets(List.of(entry))).as(entry)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("restartwatch.webhooks.allowed-targets");
        }
    }

    private WebhookTargets targets(List<String> allowed) {
        HostResolver resolver = new HostResolver() {
            @Override
            public List<InetAddress> resolve(String host) throws UnknownHostException {
                List<InetAddress> answer = dns.get(host.toLowerCase());
                if (answer == null) {
                    throw new UnknownHostException(host);
                }
                return answer;
            }
        };
        return new WebhookTargets(resolver, settings(allowed));
    }

    private static WebhookSettings settings(List<String> allowed) {
        return (WebhookSettings) Proxy.newProxyInstance(WebhookSettings.class.getClassLoader(), new Class<?>[] {WebhookSettings.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("allowedTargets")) {
                        return Optional.of(allowed);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    private static InetAddress mapped(int a, int b, int c, int d) throws UnknownHostException {
        byte[] bytes = new byte[16];
        bytes[10] = (byte) 0xff;
        bytes[11] = (byte) 0xff;
        bytes[12] = (byte) a;
        bytes[13] = (byte) b;
        bytes[14] = (byte) c;
        bytes[15] = (byte) d;
        return Inet6Address.getByAddress(null, bytes, -1);
    }
}
