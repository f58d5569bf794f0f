package io.restartwatch.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Data of {@code server.registered}, {@code server.updated} and {@code server.removed} on
 * {@link Topics#SERVERS}: the full state of one server, so consumers never call check-service.
 *
 * @param revision grows with every change of the server; consumers ignore a snapshot older than the one they hold
 * @param removed  true for {@code server.removed}
 */
public record ServerSnapshot(
        int schemaVersion,
        String serverId,
        long revision,
        boolean removed,
        String hostname,
        String applicationId,
        String environment,
        Map<String, String> labels,
        List<OpenPort> openPorts,
        String probeKind,
        Instant changedAt) {

    public static final int SCHEMA_VERSION = 1;

    public ServerSnapshot {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        openPorts = openPorts == null ? List.of() : List.copyOf(openPorts);
    }
}
