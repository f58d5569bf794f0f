package io.restartwatch.check.domain;

import java.util.List;
import java.util.Map;

import io.restartwatch.contracts.OpenPort;

/** The operator-given description of a server (everything but its id and bookkeeping). */
public record ServerDefinition(String hostname, String host, Integer sshPort, String applicationId, String environment,
                               Map<String, String> labels, List<OpenPort> openPorts, ProbeKind probeKind,
                               String sshUser) {
}
