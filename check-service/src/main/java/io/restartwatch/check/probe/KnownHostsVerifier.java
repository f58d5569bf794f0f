package io.restartwatch.check.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.List;

import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * Strict host-key checking against a known_hosts file, re-read on each check so edits apply at once. Never
 * trusts an unknown key and never accepts a changed one; it records which of the two happened so the check
 * can say why ({@code HOST_KEY_UNKNOWN} or {@code HOST_KEY_CHANGED}).
 */
final class KnownHostsVerifier implements ServerKeyVerifier {

    static final AttributeKey<String> REJECTION = new AttributeKey<>();

    private final Path knownHosts;

    KnownHostsVerifier(Path knownHosts) {
        this.knownHosts = knownHosts;
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
        InetSocketAddress address = (InetSocketAddress) session.getConnectAddress();
        String host = address.getHostString();
        int port = address.getPort();
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
            session.setAttribute(REJECTION, "KNOWN_HOSTS_UNREADABLE");
            return false;
        }
        session.setAttribute(REJECTION, hostKnown ? "HOST_KEY_CHANGED" : "HOST_KEY_UNKNOWN");
        return false;
    }
}
