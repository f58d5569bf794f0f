package io.restartwatch.check.probe;

import java.util.List;

/**
 * Picks the parser for a firewall tool's output and refuses what no real firewall prints: more than
 * {@link ProbeReport#MAX_FIREWALL_BYTES}, or binary (control characters, invalid UTF-8).
 */
public final class Firewalls {

    public static final List<String> TOOLS = List.of("nftables", "iptables", "ufw");

    private Firewalls() {
    }

    /**
     * @param lines   the output of nft or ufw, one entry per line
     * @param ipv4    iptables-save's lines
     * @param ipv6    ip6tables-save's lines, null when none
     * @return null when the tool's output says there is no firewall (an inactive ufw)
     */
    public static FirewallRules parse(String tool, List<String> lines, List<String> ipv4, List<String> ipv6) {
        String text = checked(lines);
        try {
            return switch (tool) {
                case "nftables" -> NftablesRuleset.parse(text);
                case "ufw" -> UfwStatus.parse(text);
                case "iptables" -> IptablesSave.parse(checked(ipv4), ipv6 == null ? null : checked(ipv6));
                default -> throw new MalformedOutputException("MALFORMED_OUTPUT", "Unknown firewall tool '"
                        + ProcNetListeners.printable(tool) + "'");
            };
        } catch (MalformedOutputException e) {
            throw e;
        } catch (RuntimeException e) {
            // A shape no reader foresaw must fail this one check with a reason, never the request or the probe.
            throw new MalformedOutputException("MALFORMED_OUTPUT", "The " + tool + " output could not be read (" + e + ")");
        }
    }

    private static String checked(List<String> lines) {
        if (lines == null) {
            return "";
        }
        long size = 0;
        for (String line : lines) {
            size += line.length() + 1;
            if (size > ProbeReport.MAX_FIREWALL_BYTES) {
                throw new MalformedOutputException("FIREWALL_TOO_LARGE", "The firewall's rules are larger than the "
                        + ProbeReport.MAX_FIREWALL_BYTES / 1024 + " KiB a check reads");
            }
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if ((c < 0x20 && c != '\t') || c == 0x7f || c == '\uFFFD') {
                    throw new MalformedOutputException("MALFORMED_OUTPUT", "The firewall's output is binary, not rules");
                }
            }
        }
        return String.join("\n", lines);
    }
}
