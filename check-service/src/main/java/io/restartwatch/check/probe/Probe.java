package io.restartwatch.check.probe;

/** Learns a server's restart-required state. Never throws: failures are {@code UNREACHABLE} results. */
public interface Probe {

    ProbeResult probe(ProbeTarget target);
}
