package io.restartwatch.support.net;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address range in CIDR notation ({@code 10.0.0.0/8}, {@code ::/0}); a bare address is a /32 or
 * /128. The one parser every service uses: check-service validates declared sources with it, priority-service
 * classifies exposure with it, notification-service checks webhook targets with it.
 *
 * <p>Only literals are read, never a name (no DNS lookup can happen): a dotted quad of decimal octets without
 * leading zeros, or an IPv6 literal. An IPv4-mapped IPv6 range ({@code ::ffff:a.b.c.d/p}) is the IPv4 range
 * {@code a.b.c.d/(p-96)}, as Java reads such addresses as IPv4 ones; a prefix of 96 or less covers every IPv4 address.
 */
public record CidrRange(byte[] network, int prefix) {

    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]{2,45}");
    private static final Pattern PREFIX = Pattern.compile("\\d{1,3}");

    public CidrRange {
        if (network.length != 4 && network.length != 16) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + network.length);
        }
        if (prefix < 0 || prefix > network.length * 8) {
            throw new IllegalArgumentException("bad prefix length " + prefix);
        }
        network = network.clone();
        // The host bits go: 10.1.2.3/8 is the range 10.0.0.0/8.
        for (int bit = prefix; bit < network.length * 8; bit++) {
            network[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
    }

    /** The range, or empty when {@code text} is not a CIDR range or an address literal (surrounding blanks allowed). */
    public static Optional<CidrRange> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        if (slash != trimmed.lastIndexOf('/')) {
            return Optional.empty();
        }
        String literal = slash < 0 ? trimmed : trimmed.substring(0, slash).trim();
        String prefixText = slash < 0 ? null : trimmed.substring(slash + 1).trim();
        if (prefixText != null && !PREFIX.matcher(prefixText).matches()) {
            return Optional.empty();
        }
        boolean ipv4 = IPV4.matcher(literal).matches();
        if (!ipv4 && !(literal.contains(":") && IPV6_CHARS.matcher(literal).matches())) {
            return Optional.empty();
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(literal); // a literal by the checks above: never a lookup
        } catch (UnknownHostException | IllegalArgumentException e) {
            return Optional.empty();
        }
        byte[] bytes = address.getAddress();
        int bits = bytes.length * 8;
        int prefix = prefixText == null ? bits : Integer.parseInt(prefixText);
        if (!ipv4 && address instanceof Inet4Address) {
            // ::ffff:a.b.c.d/p, which Java reads as a.b.c.d
            if (prefix > 128) {
                return Optional.empty();
            }
            prefix = prefixText == null ? bits : Math.max(0, prefix - 96);
        }
        if (prefix > bits) {
            return Optional.empty();
        }
        return Optional.of(new CidrRange(bytes, prefix));
    }

    /** Like {@link #parse} but requires the {@code /prefix}: what an operator declares as a source. */
    public static Optional<CidrRange> parseWithPrefix(String text) {
        return text != null && text.contains("/") ? parse(text) : Optional.empty();
    }

    @Override
    public byte[] network() {
        return network.clone();
    }

    /** 32 or 128. */
    public int bits() {
        return network.length * 8;
    }

    public boolean isIpv4() {
        return network.length == 4;
    }

    /** Every address: {@code 0.0.0.0/0}, {@code ::/0} and any other spelling of a zero-length prefix. */
    public boolean isAnywhere() {
        return prefix == 0;
    }

    /** Whether {@code address} lies in this range; an address of the other family never does. */
    public boolean contains(InetAddress address) {
        return startsWithThisNetwork(address.getAddress());
    }

    /** Whether every address of {@code other} lies in this range (same family only). */
    public boolean contains(CidrRange other) {
        return other.prefix >= prefix && startsWithThisNetwork(other.network);
    }

    /** Whether {@code bytes}, an address of either family, begins with this range's {@code prefix} bits. */
    private boolean startsWithThisNetwork(byte[] bytes) {
        if (bytes.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (bytes[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (bytes[full] & mask) == (network[full] & mask);
    }

    /** The first address as a number. */
    public BigInteger first() {
        return new BigInteger(1, network);
    }

    /** The last address as a number. */
    public BigInteger last() {
        return first().add(BigInteger.ONE.shiftLeft(bits() - prefix)).subtract(BigInteger.ONE);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CidrRange range && range.prefix == prefix && java.util.Arrays.equals(range.network, network);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(network) * 31 + prefix;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 4 or 16 bytes are always an address
        }
    }
}
