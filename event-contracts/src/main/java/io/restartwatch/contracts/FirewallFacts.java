package io.restartwatch.contracts;

import java.util.List;

/**
 * What the host firewall lets in, read where readable from {@code nft -j list ruleset}, {@code iptables-save}
 * or {@code ufw status verbose}: the inbound policy and the ports accepted, each with its source ranges.
 *
 * @param source            {@code nftables}, {@code iptables} or {@code ufw}
 * @param inboundFiltered   true when inbound traffic not matched by a rule is dropped or rejected; false
 *                          means the firewall lets everything else in
 * @param allowed           ports the rules accept, with the source ranges they accept them from
 */
public record FirewallFacts(String source, boolean inboundFiltered, List<OpenPort> allowed) {

    public FirewallFacts {
        allowed = allowed == null ? List.of() : List.copyOf(allowed);
    }
}
