package io.restartwatch.notification.webhook;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.restartwatch.support.net.CidrRange;

/**
 * The SSRF guard of outbound webhooks. A target must be an http(s) URL whose host resolves only to public
 * addresses: not loopback, private, link-local (the cloud metadata service at 169.254.169.254), CGNAT, unspecified,
 * multicast or reserved, nor an IPv6 form embedding one of those. Operators let internal receivers through with
 * {@link WebhookSettings#allowedTargets()}. The check runs at registration and again before every attempt, and the
 * attempt then connects to the very address that was checked, so a DNS answer that changes in between (rebinding)
 * cannot slip a request through.
 */
@ApplicationScoped
public class WebhookTargets {

    public static final String ALLOW_SETTING = "restartwatch.webhooks.allowed-targets";

    private static final Pattern IPV4_LITERAL = Pattern.compile("[0-9.]+");
    private static final Pattern HOST_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

    private static final List<Range> FORBIDDEN = List.of(
            Range.of("0.0.0.0/8", "unspecified"),
            Range.of("10.0.0.0/8", "private"),
            Range.of("100.64.0.0/10", "carrier-grade NAT"),
            Range.of("127.0.0.0/8", "loopback"),
            Range.of("169.254.0.0/16", "link-local"),
            Range.of("172.16.0.0/12", "private"),
            Range.of("192.0.0.0/24", "reserved"),
            Range.of("192.168.0.0/16", "private"),
            Range.of("198.18.0.0/15", "reserved"),
            Range.of("224.0.0.0/4", "multicast"),
            Range.of("240.0.0.0/4", "reserved"),
            Range.of("::/128", "unspecified"),
            Range.of("::1/128", "loopback"),
            Range.of("fe80::/10", "link-local"),
            Range.of("fec0::/10", "site-local"),
            Range.of("fc00::/7", "private"),
            Range.of("ff00::/8", "multicast"));

    /** IPv6 prefixes that carry an IPv4 address in their last 32 bits: mapped, compatible, NAT64. */
    private static final List<Range> EMBEDDING_IPV4 = List.of(
            // Spelled in bytes: Java parses ::ffff:0:0 as the IPv4 address 0.0.0.0.
            new Range(new CidrRange(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0}, 96), "IPv4-mapped"),
            Range.of("::/96", "IPv4-compatible"),
            Range.of("64:ff9b::/96", "NAT64"));

    private final HostResolver resolver;
    private final List<Range> allowedRanges = new ArrayList<>();
    private final Set<String> allowedHosts = new HashSet<>();

    public WebhookTargets(HostResolver resolver, WebhookSettings settings) {
        this.resolver = resolver;
        for (String entry : settings.allowedTargets().orElse(List.of())) {
            String trimmed = entry.trim().toLowerCase(Locale.ROOT);
            if (trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.contains("/") || trimmed.contains(":") || IPV4_LITERAL.matcher(trimmed).matches()) {
                allowedRanges.add(Range.of(trimmed, "allowed"));
            } else if (HOST_NAME.matcher(hostName(trimmed)).matches()) {
                allowedHosts.add(hostName(trimmed));
            } else {
                throw new IllegalArgumentException(ALLOW_SETTING + ": not a CIDR, an address or a host name: " + entry);
            }
        }
    }

    /** Where to send to, as checked: the request goes to {@code address}, with {@code host} in Host and TLS. */
    public record Target(String host, int port, boolean tls, String requestUri, InetAddress address) {
    }

    /** The target is not allowed; the message says why without repeating the URL's path (often a secret). */
    public static final class Refused extends Exception {

        Refused(String message) {
            super(message);
        }
    }

    /** Resolves the URL's host and checks every address it resolves to. */
    public Target check(String url) throws Refused {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new Refused("must be an absolute http(s) URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new Refused("must be an absolute http(s) URL");
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new Refused("host " + host + " does not resolve");
        }
        if (addresses.isEmpty()) {
            throw new Refused("host " + host + " does not resolve");
        }
        boolean hostAllowed = allowedHosts.contains(hostName(host.toLowerCase(Locale.ROOT)));
        // Every answer is checked, not just the first: the connection could go to any of them.
        for (InetAddress address : addresses) {
            Optional<String> forbidden = hostAllowed ? Optional.empty() : forbidden(address);
            if (forbidden.isPresent()) {
                throw new Refused("host " + host + " resolves to " + address.getHostAddress() + ", a " + forbidden.get()
                        + " address; internal receivers must be listed in " + ALLOW_SETTING);
            }
        }
        boolean tls = scheme.equals("https");
        int port = uri.getPort() == -1 ? (tls ? 443 : 80) : uri.getPort();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String requestUri = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        return new Target(host, port, tls, requestUri, addresses.get(0));
    }

    /** Why the address is not a public one (when it is not and not allowed), e.g. "loopback" or "IPv4-mapped private". */
    Optional<String> forbidden(InetAddress address) {
        if (allowedRanges.stream().anyMatch(r -> r.contains(address))) {
            return Optional.empty();
        }
        for (Range embedding : EMBEDDING_IPV4) {
            if (embedding.contains(address) && !isUnspecifiedOrLoopback(address)) {
                InetAddress embedded = embeddedIpv4(address);
                if (allowedRanges.stream().anyMatch(r -> r.contains(embedded))) {
                    return Optional.empty();
                }
                return forbiddenRange(embedded).map(kind -> embedding.label() + " " + kind);
            }
        }
        return forbiddenRange(address);
    }

    private static Optional<String> forbiddenRange(InetAddress address) {
        return FORBIDDEN.stream().filter(r -> r.contains(address)).map(Range::label).findFirst();
    }

    private static boolean isUnspecifiedOrLoopback(InetAddress address) {
        return address.isAnyLocalAddress() || address.isLoopbackAddress();
    }

    private static InetAddress embeddedIpv4(InetAddress address) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(address.getAddress(), 12, 16));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }

    private static String hostName(String host) {
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }

    /** An address block with what it is (service-support's one CIDR parser); an address of the other family is never in it. */
    record Range(CidrRange block, String label) {

        static Range of(String cidr, String label) {
            return new Range(CidrRange.parse(cidr).orElseThrow(
                    () -> new IllegalArgumentException(ALLOW_SETTING + ": not a CIDR or an address: " + cidr)), label);
        }

        boolean contains(InetAddress address) {
            return block.contains(address);
        }
    }
}
