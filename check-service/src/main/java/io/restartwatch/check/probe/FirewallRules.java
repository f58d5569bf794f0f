package io.restartwatch.check.probe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.restartwatch.contracts.DiscoveredExposure;
import io.restartwatch.contracts.FirewallFacts;
import io.restartwatch.contracts.ListeningSocket;
import io.restartwatch.contracts.OpenPort;

/**
 * What a host firewall parser ({@link NftablesRuleset}, {@link IptablesSave}, {@link UfwStatus}) understood:
 * whether unmatched inbound traffic is dropped, and the inbound accept rules as port ranges with their source
 * ranges. {@link #facts} turns them into the contract's {@link FirewallFacts}.
 *
 * @param source {@code nftables}, {@code iptables} or {@code ufw}
 */
public record FirewallRules(String source, boolean inboundFiltered, List<PortRule> accepts) {

    /** A range this narrow is listed port by port; a wider one (1024-65535, "all ports") only where something listens. */
    static final int EXPANDED_RANGE = 64;

    public FirewallRules {
        accepts = List.copyOf(accepts);
    }

    /**
     * An accepted port range for one protocol, from the given sources ({@code 0.0.0.0/0}, {@code ::/0} for anyone).
     */
    public record PortRule(String protocol, int fromPort, int toPort, List<String> sources) {

        public PortRule {
            sources = List.copyOf(new LinkedHashSet<>(sources));
        }

        boolean covers(int port) {
            return port >= fromPort && port <= toPort;
        }
    }

    /**
     * The allowed ports, one {@link OpenPort} per port and protocol with every source that may reach it. Wide
     * ranges are narrowed to the ports that listen in them: a range's other ports expose nothing.
     */
    public FirewallFacts facts(List<ListeningSocket> listening) {
        Map<String, Set<String>> sourcesByPort = new LinkedHashMap<>();
        for (PortRule rule : accepts) {
            List<Integer> ports = new ArrayList<>();
            if (rule.toPort() - rule.fromPort() < EXPANDED_RANGE) {
                for (int port = rule.fromPort(); port <= rule.toPort(); port++) {
                    ports.add(port);
                }
            } else {
                listening.stream().filter(s -> s.protocol().equals(rule.protocol()) && rule.covers(s.port()))
                        .map(ListeningSocket::port).distinct().forEach(ports::add);
            }
            for (int port : ports) {
                sourcesByPort.computeIfAbsent(port + "/" + rule.protocol(), k -> new LinkedHashSet<>()).addAll(rule.sources());
                if (sourcesByPort.size() > DiscoveredExposure.MAX_FIREWALL_RULES) {
                    throw new MalformedOutputException("TOO_MANY_FIREWALL_RULES", "The " + source + " rules accept more than "
                            + DiscoveredExposure.MAX_FIREWALL_RULES + " ports; the cap is " + DiscoveredExposure.MAX_FIREWALL_RULES);
                }
            }
        }
        List<OpenPort> allowed = new ArrayList<>();
        sourcesByPort.forEach((key, sources) -> {
            int slash = key.indexOf('/');
            allowed.add(new OpenPort(Integer.parseInt(key.substring(0, slash)), key.substring(slash + 1), List.copyOf(sources)));
        });
        return new FirewallFacts(source, inboundFiltered, allowed);
    }

    /** A port number or a {@code from:to} / {@code from-to} range; null when it is neither (a service name…). */
    static int[] portRange(String text) {
        String[] parts = text.trim().split("[:-]", -1);
        if (parts.length < 1 || parts.length > 2) {
            return null;
        }
        try {
            int from = Math.max(1, Integer.parseInt(parts[0])); // 0:65535 means every port
            int to = parts.length == 2 ? Integer.parseInt(parts[1]) : from;
            return validRange(from, to) ? new int[] {from, to} : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static boolean validRange(int from, int to) {
        return from >= 1 && to <= 65535 && from <= to;
    }
}
