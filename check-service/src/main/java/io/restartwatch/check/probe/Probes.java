package io.restartwatch.check.probe;

import jakarta.enterprise.context.ApplicationScoped;

import io.restartwatch.check.domain.ProbeKind;

/** Picks the probe for a server's probe kind. */
@ApplicationScoped
public class Probes {

    private final LocalProbe local;
    private final SshProbe ssh;

    public Probes(LocalProbe local, SshProbe ssh) {
        this.local = local;
        this.ssh = ssh;
    }

    public ProbeResult probe(ProbeKind kind, ProbeTarget target) {
        return switch (kind) {
            case LOCAL -> local.probe(target);
            case SSH -> ssh.probe(target);
            case AGENT -> ProbeResult.unreachable("PUSH_ONLY", "Agent servers report by themselves");
        };
    }
}
