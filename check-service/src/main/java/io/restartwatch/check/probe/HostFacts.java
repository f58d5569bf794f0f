package io.restartwatch.check.probe;

import java.util.List;

import io.restartwatch.contracts.ListeningSocket;
import io.restartwatch.contracts.Livepatch;

/**
 * What a probe or agent found beyond the sentinel and the kernels, each null when the server did not offer it
 * (tool missing, not permitted, an older agent).
 *
 * @param listening null when the socket tables were not read; empty when nothing listens
 */
public record HostFacts(NeedrestartBatch needrestart, NeedsRestarting needsRestarting, Livepatch livepatch,
                        List<ListeningSocket> listening, FirewallRules firewall) {

    public static final HostFacts NONE = new HostFacts(null, null, null, null, null);
}
