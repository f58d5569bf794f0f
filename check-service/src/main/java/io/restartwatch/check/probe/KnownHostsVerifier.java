package io.restartwatch.check.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * Strict host-key checking against a known_hosts file, re-read on each check so edits apply at once. Never
 * trusts an unknown key and never accepts a changed one; it records which of the two happened so the check
 * can say why ({@code HOST_KEY_UNKNOWN} or {@code HOST_KEY_CHANGED}).
 */
final class KnownHostsVerifier implements ServerKeyVerifier {

    private final Path knownHosts;
    /**
     * Why a target's key was last rejected, by "host:port". Not a session attribute: a session that failed key
     * exchange closes and clears its attributes, racing the probe that wants to read them.
     */
    private final Map<String, String> rejections = new ConcurrentHashMap<>();

    KnownHostsVerifier(Path knownHosts) {
        this.knownHosts = knownHosts;
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
        InetSocketAddress address = (InetSocketAddress) session.getConnectAddress();
        String host = address.getHostString();
        int port = address.getPort();
        String target = target(host, port);
        boolean hostKnown = false;
        try {
            List<KnownHostEntry> entries = Files.exists(knownHosts) ? KnownHostEntry.readKnownHostEntries(knownHosts) : List.of();
            for (KnownHostEntry entry : entries) {
                if (!entry.isHostMatch(host, port) || entry.getKeyEntry() == null) {
                    continue;
                }
                hostKnown = true;
                PublicKey known = entry.getKeyEntry().resolvePublicKey(session, null, PublicKeyEntryResolver.IGNORING);
                if (known != null && KeyUtils.compareKeys(known, serverKey)) {
                    return true;
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            rejections.put(target, "KNOWN_HOSTS_UNREADABLE");
            return false;
        }
        rejections.put(target, hostKnown ? "HOST_KEY_CHANGED" : "HOST_KEY_UNKNOWN");
        return false;
    }

    /** Forgets an earlier rejection before a new attempt. */
    void forget(String host, int port) {
        rejections.remove(target(host, port));
    }

    /** Why the last attempt's host key was rejected, if it was. */
    String rejection(String host, int port) {
        return rejections.get(target(host, port));
    }

    private static String target(String host, int port) {
        return host + ":" + port;
    }
}
