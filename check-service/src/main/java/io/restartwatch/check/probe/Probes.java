package io.restartwatch.check.probe;

import jakarta.enterprise.context.ApplicationScoped;

import io.restartwatch.check.domain.ProbeKind;

/** Picks the probe for a server's probe kind. */
@ApplicationScoped
public class Probes {

    private final LocalProbe local;

    public Probes(LocalProbe local) {
        this.local = local;
    }

    public ProbeResult probe(ProbeKind kind, ProbeTarget target) {
        return switch (kind) {
            case LOCAL -> local.probe(target);
            case SSH -> ProbeResult.unreachable("SSH_NOT_CONFIGURED", "SSH probing is not available in this build");
            case AGENT -> ProbeResult.unreachable("PUSH_ONLY", "Agent servers report by themselves");
        };
    }
}
