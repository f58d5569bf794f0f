package io.restartwatch.check.probe;

/** Where and how to reach a server. */
public record ProbeTarget(String serverId, String host, int sshPort, String sshUser) {
}
