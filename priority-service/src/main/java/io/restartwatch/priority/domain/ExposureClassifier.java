package io.restartwatch.priority.domain;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;

import io.restartwatch.contracts.DiscoveredExposure;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.ExposureFact;
import io.restartwatch.contracts.FirewallFacts;
import io.restartwatch.contracts.ListeningSocket;
import io.restartwatch.contracts.OpenPort;
import io.restartwatch.support.net.CidrRange;

/**
 * Classifies a server by who may reach its open ports: anyone ({@code 0.0.0.0/0}, {@code ::/0}, any other
 * spelling of a zero-length prefix, or sources of one port that together cover every public IPv4 address or
 * every global IPv6 address, such as {@code 0.0.0.0/1} + {@code 128.0.0.0/1} or {@code 2000::/3}) is public; any
 * range that is not wholly private (RFC 1918, loopback, link-local, CGNAT, IPv6 ULA) is restricted; otherwise
 * internal. A bare address counts as a /32 or /128, and a source that cannot be parsed counts as restricted: we
 * assume the worst short of "anywhere".
 *
 * <p>{@link #facts} joins the operator's declared ports with what a check discovered on the server (listening
 * sockets, host firewall) into {@link ExposureFact}s, each naming its origin; the server's exposure is the most
 * exposed fact ({@link #overall}).
 */
public final class ExposureClassifier {

    public static final String DECLARED = "declared";
    public static final String LISTENING = "listening";
    public static final String FIREWALL = "firewall";

    public static final String OPEN = "open";
    public static final String UNDECLARED = "undeclared";
    public static final String NOT_LISTENING = "not-listening";

    private static final List<CidrRange> PRIVATE_RANGES = List.of(
            "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16", "100.64.0.0/10",
            "fc00::/7", "fe80::/10", "::1/128").stream().map(ExposureClassifier::range).toList();

    /** IPv4 space no one on the internet reaches a server from: private, shared, loopback, link-local, reserved, multicast. */
    private static final List<CidrRange> NOT_PUBLIC_IPV4 = List.of(
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
            "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/3")
            .stream().map(ExposureClassifier::range).toList();
    /** Every global unicast IPv6 address (RFC 4291): what the internet routes today. */
    private static final CidrRange GLOBAL_IPV6 = range("2000::/3");

    // What a port's sources must cover, worked out once: rebuilt for every port of every check, they were most of the
    // classifier's allocation, itself a quarter of priority-service's during a burst.
    private static final List<BigInteger[]> PUBLIC_IPV4_SPACE = Intervals.complement(Intervals.of(NOT_PUBLIC_IPV4), 32);
    private static final List<BigInteger[]> GLOBAL_IPV6_SPACE = Intervals.of(List.of(GLOBAL_IPV6));

    private ExposureClassifier() {
    }

    public static Exposure classify(List<OpenPort> ports) {
        boolean restricted = false;
        for (OpenPort port : ports) {
            List<CidrRange> ranges = new ArrayList<>(port.sources().size()); // each source parsed once
            for (String source : port.sources()) {
                CidrRange range = range(source);
                if (range != null && range.isAnywhere()) {
                    return Exposure.PUBLIC;
                }
                restricted |= !isPrivate(range);
                if (range != null) {
                    ranges.add(range);
                }
            }
            if (rangesCoverThePublicInternet(ranges)) {
                return Exposure.PUBLIC;
            }
        }
        return restricted ? Exposure.RESTRICTED : Exposure.INTERNAL;
    }

    /** The port and source that decided the exposure, for the explanation ("port 443/tcp open to ::/0"). */
    public static String describe(List<OpenPort> ports, Exposure exposure) {
        for (OpenPort port : ports) {
            if (exposure != Exposure.INTERNAL && classify(List.of(port)) == exposure) {
                return describe(port, exposure);
            }
        }
        return ports.isEmpty() ? "no open ports registered" : "open to private ranges only";
    }

    /**
     * Every exposure fact of a server, declared ports first (in their order), then undeclared listeners by port.
     *
     * <ul>
     *   <li>A declared port is weighed by its declared sources. When the check saw the server's sockets and
     *       nothing but loopback listens on it, it is {@code not-listening}, yet it still counts: the declaration
     *       is the operator's word that the port is open, and a service may just be restarting or socket-activated
     *       later; under-ranking an exposed server costs more than over-ranking an idle one.</li>
     *   <li>A socket on a wildcard address whose port no declared rule covers is {@code undeclared}. When the host
     *       firewall filters inbound traffic, its accept rules for the port decide (none: not reachable, counted
     *       internal); an accept from anywhere decides even when it does not filter. Otherwise the host lets it in
     *       and only the network's filtering, which we cannot see, could stop it: {@code undeclared} decides.</li>
     *   <li>Loopback sockets never count. A socket bound to one other address matters only to tell a declared
     *       port is listening: which network that address faces is not known.</li>
     *   <li>The DHCP clients' UDP sockets (68, and 546 for DHCPv6) are bound to every interface on nearly every
     *       server, yet only take the answers to requests the server sent: they are no undeclared service.</li>
     * </ul>
     *
     * @param discovered what the last check that could see them found; null when no check has
     */
    public static List<ExposureFact> facts(List<OpenPort> declared, DiscoveredExposure discovered, UndeclaredExposure undeclared) {
        List<ExposureFact> facts = new ArrayList<>();
        Set<String> listening = new HashSet<>();
        TreeMap<String, ListeningSocket> wildcard = new TreeMap<>(); // one fact per port/protocol, in port order
        if (discovered != null) {
            for (ListeningSocket socket : discovered.listening()) {
                if (socket.loopback() || dhcpClient(socket)) {
                    continue;
                }
                String key = key(socket.port(), socket.protocol());
                listening.add(key);
                if (socket.wildcard()) {
                    wildcard.putIfAbsent(String.format("%05d/%s", socket.port(), protocol(socket.protocol())), socket);
                }
            }
        }
        Set<String> declaredKeys = new HashSet<>();
        for (OpenPort port : declared) {
            String key = key(port.port(), port.protocol());
            declaredKeys.add(key);
            String status = discovered == null || listening.contains(key) ? OPEN : NOT_LISTENING;
            facts.add(new ExposureFact(port.port(), protocol(port.protocol()), DECLARED, status, port.sources(), classify(List.of(port))));
        }
        for (ListeningSocket socket : wildcard.values()) {
            if (!declaredKeys.contains(key(socket.port(), socket.protocol()))) {
                facts.add(undeclaredFact(socket.port(), protocol(socket.protocol()), discovered.firewall(), undeclared));
            }
        }
        return List.copyOf(facts);
    }

    private static boolean dhcpClient(ListeningSocket socket) {
        return "udp".equalsIgnoreCase(socket.protocol()) && (socket.port() == 68 || socket.port() == 546);
    }

    private static ExposureFact undeclaredFact(int port, String protocol, FirewallFacts firewall, UndeclaredExposure undeclared) {
        if (firewall != null) {
            List<String> accepted = firewall.allowed().stream()
                    .filter(rule -> rule.port() == port && protocol(rule.protocol()).equals(protocol))
                    // A rule that names no source accepts every source.
                    .flatMap(rule -> rule.sources().isEmpty() ? java.util.stream.Stream.of(OpenPort.ANYWHERE_V4, OpenPort.ANYWHERE_V6) : rule.sources().stream())
                    .distinct().toList();
            Exposure byRules = accepted.isEmpty() ? Exposure.INTERNAL : classify(List.of(new OpenPort(port, protocol, accepted)));
            if (firewall.inboundFiltered() || byRules == Exposure.PUBLIC) {
                return new ExposureFact(port, protocol, FIREWALL, UNDECLARED, accepted, byRules);
            }
        }
        Exposure assumed = switch (undeclared) {
            case PUBLIC -> Exposure.PUBLIC;
            case RESTRICTED -> Exposure.RESTRICTED;
            case IGNORE -> Exposure.INTERNAL;
        };
        return new ExposureFact(port, protocol, LISTENING, UNDECLARED, List.of(), assumed);
    }

    /** The most exposed of the facts; internal when there are none. */
    public static Exposure overall(List<ExposureFact> facts) {
        return facts.stream().map(ExposureFact::exposure).min(Comparator.naturalOrder()).orElse(Exposure.INTERNAL);
    }

    /** The fact that decided the exposure, for the explanation; null when internal (nothing decided it). */
    public static ExposureFact decisive(List<ExposureFact> facts, Exposure exposure) {
        if (exposure == Exposure.INTERNAL) {
            return null;
        }
        return facts.stream().filter(f -> f.exposure() == exposure).findFirst().orElse(null);
    }

    /**
     * One fact as the explanation names it, origin first: "declared: port 443/tcp open to 0.0.0.0/0",
     * "listening: port 8080/tcp on every interface, undeclared, weighed as restartwatch.priority.undeclared says",
     * "firewall: port 8080/tcp listening, undeclared, accepted from 0.0.0.0/0".
     */
    public static String describe(ExposureFact fact) {
        String port = "port " + fact.port() + "/" + fact.protocol();
        return switch (fact.origin()) {
            case DECLARED -> DECLARED + ": " + describe(new OpenPort(fact.port(), fact.protocol(), fact.sources()), fact.exposure())
                    + (NOT_LISTENING.equals(fact.status()) ? ", nothing listening on it" : "");
            case FIREWALL -> FIREWALL + ": " + port + " listening, undeclared, "
                    + (fact.sources().isEmpty() ? "no firewall rule accepts it" : "accepted from " + String.join(", ", fact.sources()));
            // The class itself follows in the factor's detail: say only what decided it.
            default -> LISTENING + ": " + port + " on every interface, undeclared, "
                    + (fact.exposure() == Exposure.INTERNAL ? "ignored" : "weighed") + " as restartwatch.priority.undeclared says";
        };
    }

    /** "port 443/tcp open to …" for one port at the exposure it is classed at. */
    private static String describe(OpenPort port, Exposure exposure) {
        String prefix = "port " + port.port() + "/" + port.protocol() + " open to ";
        if (exposure == Exposure.PUBLIC && port.sources().stream().noneMatch(ExposureClassifier::isAnywhere)
                && coversThePublicInternet(port.sources())) {
            return prefix + String.join(", ", port.sources().stream().map(String::trim).toList()) + " (together: every public address)";
        }
        for (String source : port.sources()) {
            boolean decisive = exposure == Exposure.PUBLIC ? isAnywhere(source)
                    : exposure == Exposure.RESTRICTED && !isPrivate(source);
            if (decisive) {
                return prefix + source.trim();
            }
        }
        return port.sources().isEmpty() ? "port " + port.port() + "/" + port.protocol() + " with no source ranges"
                : prefix + String.join(", ", port.sources().stream().map(String::trim).toList());
    }

    private static String key(int port, String protocol) {
        return port + "/" + protocol(protocol);
    }

    /** "tcp" or "udp" however a reader spelled it ("TCP", "tcp6"). */
    private static String protocol(String protocol) {
        String lower = protocol == null ? "tcp" : protocol.trim().toLowerCase(Locale.ROOT);
        return lower.endsWith("6") ? lower.substring(0, lower.length() - 1) : lower;
    }

    /** {@code 0.0.0.0/0}, {@code ::/0}, and other spellings of "every address" (e.g. {@code 0:0::0/0}). */
    static boolean isAnywhere(String source) {
        CidrRange range = range(source);
        return range != null && range.isAnywhere();
    }

    /**
     * Whether the sources together admit every public IPv4 address or every global IPv6 address: what is left of
     * the address space once they are taken out lies wholly in space no one on the internet comes from.
     */
    static boolean coversThePublicInternet(List<String> sources) {
        return rangesCoverThePublicInternet(sources.stream().map(ExposureClassifier::range).filter(java.util.Objects::nonNull).toList());
    }

    private static boolean rangesCoverThePublicInternet(List<CidrRange> ranges) {
        List<CidrRange> ipv4 = ranges.stream().filter(r -> r.bits() == 32).toList();
        List<CidrRange> ipv6 = ranges.stream().filter(r -> r.bits() == 128).toList();
        return (!ipv4.isEmpty() && Intervals.covers(Intervals.of(ipv4), PUBLIC_IPV4_SPACE))
                || (!ipv6.isEmpty() && Intervals.covers(Intervals.of(ipv6), GLOBAL_IPV6_SPACE));
    }

    static boolean isPrivate(String source) {
        return isPrivate(range(source));
    }

    /** A source that could not be parsed (null) is not private: we assume the worst short of "anywhere". */
    private static boolean isPrivate(CidrRange range) {
        if (range == null) {
            return false;
        }
        return PRIVATE_RANGES.stream().anyMatch(block -> block.contains(range));
    }

    /** The source as a range (service-support's one CIDR parser), or null when it is not one. */
    private static CidrRange range(String source) {
        return CidrRange.parse(source).orElse(null);
    }

    /** Sorted, merged, inclusive address intervals of one family. */
    private static final class Intervals {

        private Intervals() {
        }

        static List<BigInteger[]> of(List<CidrRange> ranges) {
            List<BigInteger[]> sorted = ranges.stream().map(r -> new BigInteger[] {r.first(), r.last()})
                    .sorted(java.util.Comparator.comparing((BigInteger[] interval) -> interval[0])).toList();
            List<BigInteger[]> merged = new java.util.ArrayList<>();
            for (BigInteger[] interval : sorted) {
                BigInteger[] previous = merged.isEmpty() ? null : merged.get(merged.size() - 1);
                if (previous != null && interval[0].compareTo(previous[1].add(BigInteger.ONE)) <= 0) {
                    previous[1] = previous[1].max(interval[1]);
                } else {
                    merged.add(new BigInteger[] {interval[0], interval[1]});
                }
            }
            return merged;
        }

        /** The whole {@code bits}-wide space minus {@code merged}. */
        static List<BigInteger[]> complement(List<BigInteger[]> merged, int bits) {
            List<BigInteger[]> gaps = new java.util.ArrayList<>();
            BigInteger next = BigInteger.ZERO;
            for (BigInteger[] interval : merged) {
                if (interval[0].compareTo(next) > 0) {
                    gaps.add(new BigInteger[] {next, interval[0].subtract(BigInteger.ONE)});
                }
                next = next.max(interval[1].add(BigInteger.ONE));
            }
            BigInteger end = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
            if (next.compareTo(end) <= 0) {
                gaps.add(new BigInteger[] {next, end});
            }
            return gaps;
        }

        /** Whether every interval of {@code wanted} lies inside one merged interval of {@code merged}. */
        static boolean covers(List<BigInteger[]> merged, List<BigInteger[]> wanted) {
            return wanted.stream().allMatch(want -> merged.stream()
                    .anyMatch(have -> have[0].compareTo(want[0]) <= 0 && have[1].compareTo(want[1]) >= 0));
        }
    }
}
