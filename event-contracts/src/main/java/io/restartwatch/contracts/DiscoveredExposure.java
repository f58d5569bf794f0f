package io.restartwatch.contracts;

import java.util.List;

/**
 * Exposure facts a check found on the server itself, next to the operator's declared {@code openPorts}.
 *
 * @param listening listening sockets; empty when none, never null
 * @param firewall  the host firewall's rules; null when no firewall tool was readable
 */
public record DiscoveredExposure(List<ListeningSocket> listening, FirewallFacts firewall) {

    /** More sockets than a real server listens on: a longer list is garbage or hostile and fails the check. */
    public static final int MAX_SOCKETS = 4096;
    /** More firewall port rules than a real host firewall carries. */
    public static final int MAX_FIREWALL_RULES = 4096;

    public DiscoveredExposure {
        listening = listening == null ? List.of() : List.copyOf(listening);
    }
}
