package io.restartwatch.check.domain;

import io.restartwatch.check.persistence.ServerEntity;
import io.restartwatch.contracts.ServerSnapshot;

/** Maps a server row to the snapshot published on {@code restartwatch.servers}. */
final class ServerSnapshots {

    private ServerSnapshots() {
    }

    static ServerSnapshot of(ServerEntity server, boolean removed) {
        return new ServerSnapshot(ServerSnapshot.SCHEMA_VERSION, server.id, server.revision, removed, server.hostname,
                server.applicationId, server.environment, server.labels, server.openPorts,
                server.probeKind.json(), server.updatedAt);
    }
}
