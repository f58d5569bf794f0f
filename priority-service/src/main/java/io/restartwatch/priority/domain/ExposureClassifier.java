package io.restartwatch.priority.domain;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.OpenPort;

/**
 * Classifies a server by who may reach its open ports: anyone ({@code 0.0.0.0/0}, {@code ::/0}, or any other
 * spelling of a zero-length prefix) is public; any range that is not wholly private (RFC 1918, loopback,
 * link-local, CGNAT, IPv6 ULA) is restricted; otherwise internal. A bare address counts as a /32 or /128, and
 * a source that cannot be parsed counts as restricted: we assume the worst short of "anywhere".
 */
public final class ExposureClassifier {

    private static final List<Range> PRIVATE_RANGES = List.of(
            "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16", "100.64.0.0/10",
            "fc00::/7", "fe80::/10", "::1/128").stream().map(Range::parse).toList();

    private ExposureClassifier() {
    }

    public static Exposure classify(List<OpenPort> ports) {
        boolean restricted = false;
        for (OpenPort port : ports) {
            for (String source : port.sources()) {
                if (isAnywhere(source)) {
                    return Exposure.PUBLIC;
                }
                restricted |= !isPrivate(source);
            }
        }
        return restricted ? Exposure.RESTRICTED : Exposure.INTERNAL;
    }

    /** The port and source that decided the exposure, for the explanation ("port 443/tcp open to ::/0"). */
    public static String describe(List<OpenPort> ports, Exposure exposure) {
        for (OpenPort port : ports) {
            for (String source : port.sources()) {
                boolean decisive = exposure == Exposure.PUBLIC ? isAnywhere(source)
                        : exposure == Exposure.RESTRICTED && !isPrivate(source);
                if (decisive) {
                    return "port " + port.port() + "/" + port.protocol() + " open to " + source.trim();
                }
            }
        }
        return ports.isEmpty() ? "no open ports registered" : "open to private ranges only";
    }

    /** {@code 0.0.0.0/0}, {@code ::/0}, and other spellings of "every address" (e.g. {@code 0:0::0/0}). */
    static boolean isAnywhere(String source) {
        Range range = Range.parse(source);
        return range != null && range.prefix() == 0;
    }

    static boolean isPrivate(String source) {
        Range range = Range.parse(source);
        if (range == null) {
            return false;
        }
        return PRIVATE_RANGES.stream().anyMatch(block -> block.contains(range));
    }

    /** A CIDR range as a number and a prefix length; IPv4-mapped IPv6 ranges become IPv4 ranges. */
    private record Range(BigInteger network, int prefix, int bits) {

        static Range parse(String cidr) {
            if (cidr == null) {
                return null;
            }
            String text = cidr.trim();
            int slash = text.indexOf('/');
            String address = slash < 0 ? text : text.substring(0, slash).trim();
            if (address.isEmpty() || !address.matches("[0-9a-fA-F:.]+")) {
                return null; // a literal only: never a name lookup
            }
            try {
                InetAddress inet = InetAddress.getByName(address);
                byte[] bytes = inet.getAddress();
                int bits = bytes.length * 8;
                int prefix = slash < 0 ? bits : Integer.parseInt(text.substring(slash + 1).trim());
                if (inet instanceof Inet4Address && address.contains(":")) {
                    // ::ffff:a.b.c.d/p is the IPv4 range a.b.c.d/(p-96); p ≤ 96 covers every IPv4 address.
                    prefix = slash < 0 ? bits : Math.max(0, prefix - 96);
                }
                if (prefix < 0 || prefix > bits) {
                    return null;
                }
                return new Range(new BigInteger(1, bytes), prefix, bits);
            } catch (UnknownHostException | NumberFormatException e) {
                return null;
            }
        }

        boolean contains(Range other) {
            if (other.bits != bits || other.prefix < prefix) {
                return false;
            }
            return other.network.shiftRight(bits - prefix).equals(network.shiftRight(bits - prefix));
        }
    }
}
