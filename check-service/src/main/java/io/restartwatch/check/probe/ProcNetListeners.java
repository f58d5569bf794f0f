package io.restartwatch.check.probe;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.restartwatch.contracts.DiscoveredExposure;
import io.restartwatch.contracts.ListeningSocket;

/**
 * Listening sockets from {@code /proc/net/tcp}, {@code tcp6}, {@code udp} and {@code udp6}, the kernel's own
 * tables (Documentation/networking/proc_net_tcp.rst; printed by {@code tcp4_seq_show()} in net/ipv4/tcp_ipv4.c,
 * {@code tcp6_seq_show()} in net/ipv6/tcp_ipv6.c, {@code udp4_format_sock()} / {@code udp6_sock_seq_show()}).
 * A local address is {@code %08X:%04X} (IPv4) or {@code %08X%08X%08X%08X:%04X} (IPv6): each 32-bit word of the
 * address is printed as a host-order number, so on a little-endian machine its four bytes appear reversed
 * ({@code 0100007F} is 127.0.0.1); the port is already a number ({@code 0016} is 22). A TCP socket listens in
 * state {@code 0A} (TCP_LISTEN); a UDP socket accepts datagrams from anyone when it is bound with no remote
 * address ({@code 00000000:0000}, state {@code 07}).
 *
 * <p>Only little-endian servers are read correctly (x86-64, arm64 as Linux runs them): a big-endian one's
 * addresses would come out byte-swapped.
 */
public final class ProcNetListeners {

    public static final List<String> FILES = List.of("tcp", "tcp6", "udp", "udp6");

    private ProcNetListeners() {
    }

    /** Every listening socket in one whole procfs file ({@code tcp}, {@code tcp6}, {@code udp}, {@code udp6}). */
    public static List<ListeningSocket> fromProcFile(String file, String content) {
        Set<ListeningSocket> sockets = new LinkedHashSet<>();
        String[] lines = content.split("\n");
        for (int i = 1; i < lines.length; i++) { // the first line is the header
            String[] fields = lines[i].trim().split("\\s+");
            if (fields.length < 4) {
                continue;
            }
            boolean listening = file.startsWith("tcp") ? "0A".equals(fields[3])
                    : fields[2].matches("0+:0000");
            if (listening) {
                sockets.add(decode(file, fields[1]));
            }
        }
        return new ArrayList<>(sockets);
    }

    /**
     * One socket from its file's name and its {@code local_address} field, as the probe command and the agent
     * send them ({@code tcp6 00000000000000000000000000000000:0016}).
     */
    public static ListeningSocket decode(String file, String localAddress) {
        String protocol = switch (file) {
            case "tcp", "tcp6" -> "tcp";
            case "udp", "udp6" -> "udp";
            default -> throw malformed("unknown socket table '" + printable(file) + "'");
        };
        boolean v6 = file.endsWith("6");
        int colon = localAddress.indexOf(':');
        String hexAddress = colon < 0 ? "" : localAddress.substring(0, colon);
        String hexPort = colon < 0 ? "" : localAddress.substring(colon + 1);
        if (hexAddress.length() != (v6 ? 32 : 8) || hexPort.length() != 4 || !isHex(hexAddress) || !isHex(hexPort)) {
            throw malformed("'" + printable(localAddress) + "' is not a " + file + " local address");
        }
        int port = Integer.parseInt(hexPort, 16);
        if (port < 1) {
            throw malformed("port 0 in " + file + " local address '" + localAddress + "'");
        }
        return new ListeningSocket(protocol, v6 ? ipv6(hexAddress) : ipv4(hexAddress), port);
    }

    /** Deduplicated, in order; more than {@link DiscoveredExposure#MAX_SOCKETS} is refused. */
    public static List<ListeningSocket> capped(List<ListeningSocket> sockets) {
        List<ListeningSocket> unique = List.copyOf(new LinkedHashSet<>(sockets));
        if (unique.size() > DiscoveredExposure.MAX_SOCKETS) {
            throw new MalformedOutputException("TOO_MANY_SOCKETS", "The server lists " + unique.size()
                    + " listening sockets; the cap is " + DiscoveredExposure.MAX_SOCKETS);
        }
        return unique;
    }

    private static String ipv4(String hex) {
        byte[] bytes = wordBytes(hex, 0);
        return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
    }

    private static String ipv6(String hex) {
        byte[] address = new byte[16];
        for (int word = 0; word < 4; word++) {
            System.arraycopy(wordBytes(hex, word * 8), 0, address, word * 4, 4);
        }
        boolean v4Mapped = true;
        for (int i = 0; i < 10; i++) {
            v4Mapped &= address[i] == 0;
        }
        v4Mapped &= (address[10] & 0xff) == 0xff && (address[11] & 0xff) == 0xff;
        if (v4Mapped) {
            return "::ffff:" + (address[12] & 0xff) + "." + (address[13] & 0xff) + "." + (address[14] & 0xff) + "." + (address[15] & 0xff);
        }
        return compress(address);
    }

    /** One 32-bit word printed in host (little-endian) order: its bytes in network order. */
    private static byte[] wordBytes(String hex, int offset) {
        long word = Long.parseLong(hex.substring(offset, offset + 8), 16);
        return new byte[] {(byte) word, (byte) (word >>> 8), (byte) (word >>> 16), (byte) (word >>> 24)};
    }

    /** RFC 5952 text: lower case, the longest run of two or more zero groups as {@code ::}. */
    static String compress(byte[] address) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    private static boolean isHex(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.digit(text.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    static MalformedOutputException malformed(String detail) {
        return new MalformedOutputException("MALFORMED_OUTPUT", "Listening sockets: " + detail);
    }

    /** For details: at most 64 characters, control characters shown as '?'. */
    public static String printable(String text) {
        String shortened = text.length() > 64 ? text.substring(0, 64) + "…" : text;
        StringBuilder out = new StringBuilder();
        shortened.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) || c == 0xFFFD ? '?' : c));
        return out.toString();
    }
}
