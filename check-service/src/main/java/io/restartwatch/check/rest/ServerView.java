package io.restartwatch.check.rest;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.restartwatch.check.domain.ProbeKind;
import io.restartwatch.check.persistence.ServerEntity;
import io.restartwatch.contracts.OpenPort;

/** A server as the inventory API shows it. */
public record ServerView(String id, String hostname, ServerRequest.Address address, String applicationId,
                         String environment, Map<String, String> labels, List<OpenPort> openPorts,
                         ProbeKind probeKind, String sshUser, boolean agentTokenIssued, long revision,
                         Instant createdAt, Instant updatedAt, Instant nextCheckAt) {

    static ServerView of(ServerEntity server) {
        return new ServerView(server.id, server.hostname, new ServerRequest.Address(server.host, server.sshPort),
                server.applicationId, server.environment, server.labels, server.openPorts, server.probeKind,
                server.sshUser, server.agentTokenHash != null, server.revision, server.createdAt, server.updatedAt,
                server.nextCheckAt);
    }
}
