package io.restartwatch.contracts;

import java.util.List;

/**
 * One exposure fact of a server and where it came from, as the priority explanation names it.
 *
 * @param origin   {@code declared} (the operator's openPorts), {@code listening} (a socket found on the
 *                 server) or {@code firewall} (the host firewall's rules)
 * @param status   {@code open} (declared or allowed and listening, or not known to be otherwise),
 *                 {@code undeclared} (listening on every interface, no declared rule covers it),
 *                 {@code not-listening} (declared, but no socket listens on it)
 * @param sources  the source ranges that may connect, as far as known
 * @param exposure how this one fact is classed
 */
public record ExposureFact(int port, String protocol, String origin, String status, List<String> sources, Exposure exposure) {

    public ExposureFact {
        sources = sources == null ? List.of() : List.copyOf(sources);
    }
}
