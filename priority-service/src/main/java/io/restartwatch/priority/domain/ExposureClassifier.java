package io.restartwatch.priority.domain;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.OpenPort;

/**
 * Classifies a server by who may reach its open ports: anyone ({@code 0.0.0.0/0}, {@code ::/0}) is public;
 * any range that is not wholly private (RFC 1918, loopback, link-local, CGNAT, IPv6 ULA) is restricted;
 * otherwise internal.
 */
public final class ExposureClassifier {

    private static final List<String> PRIVATE_RANGES = List.of(
            "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16", "100.64.0.0/10",
            "fc00::/7", "fe80::/10", "::1/128");

    private ExposureClassifier() {
    }

    public static Exposure classify(List<OpenPort> ports) {
        boolean restricted = false;
        for (OpenPort port : ports) {
            if (port.openToAnywhere()) {
                return Exposure.PUBLIC;
            }
            restricted |= port.sources().stream().anyMatch(source -> !isPrivate(source));
        }
        return restricted ? Exposure.RESTRICTED : Exposure.INTERNAL;
    }

    /** The first port open to anywhere, for the explanation ("port 443/tcp open to 0.0.0.0/0"). */
    public static String describe(List<OpenPort> ports, Exposure exposure) {
        for (OpenPort port : ports) {
            if (exposure == Exposure.PUBLIC && port.openToAnywhere()) {
                String anywhere = port.sources().stream().filter(s -> s.equals(OpenPort.ANYWHERE_V4) || s.equals(OpenPort.ANYWHERE_V6))
                        .findFirst().orElse(OpenPort.ANYWHERE_V4);
                return "port " + port.port() + "/" + port.protocol() + " open to " + anywhere;
            }
            if (exposure == Exposure.RESTRICTED) {
                for (String source : port.sources()) {
                    if (!isPrivate(source)) {
                        return "port " + port.port() + "/" + port.protocol() + " open to " + source;
                    }
                }
            }
        }
        return ports.isEmpty() ? "no open ports registered" : "open to private ranges only";
    }

    static boolean isPrivate(String cidr) {
        Range range = Range.parse(cidr);
        if (range == null) {
            return false; // unparseable: assume the worst
        }
        return PRIVATE_RANGES.stream().map(Range::parse).anyMatch(block -> block.contains(range));
    }

    private record Range(BigInteger network, int prefix, int bits) {

        static Range parse(String cidr) {
            int slash = cidr.indexOf('/');
            if (slash < 0) {
                return null;
            }
            String address = cidr.substring(0, slash).trim();
            if (!address.matches("[0-9a-fA-F:.]+")) {
                return null; // a literal only: never a name lookup
            }
            try {
                byte[] bytes = InetAddress.getByName(address).getAddress();
                int prefix = Integer.parseInt(cidr.substring(slash + 1).trim());
                return new Range(new BigInteger(1, bytes), prefix, bytes.length * 8);
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
