package io.restartwatch.check.probe;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * Strict host-key checking against a known_hosts file (OpenSSH format, see sshd(8) "SSH_KNOWN_HOSTS FILE
 * FORMAT"), re-read on each check so edits apply at once. Never trusts an unknown key and never accepts a
 * changed one; it records why a key was rejected so the check can say so:
 * <ul>
 * <li>{@code HOST_KEY_REVOKED}: the key is on a {@code @revoked} line, which wins over any line accepting it;</li>
 * <li>{@code HOST_KEY_CHANGED}: the host has plain entries, none with this key;</li>
 * <li>{@code HOST_CERT_UNSUPPORTED}: the host is only vouched for by a {@code @cert-authority} line, or offers a
 * certificate; this probe does not verify host certificates, and a CA key is not a host key;</li>
 * <li>{@code HOST_KEY_UNKNOWN}: nothing about the host.</li>
 * </ul>
 * A fleet's known_hosts has a line per server, and parsing 1 000 lines costs ~9 ms of CPU (10 000: 40–96 ms), more
 * than the SSH handshake itself; so each check reads the file's bytes, and parses them again only when they
 * differ from the last parse. Each target's lines are picked out once per parse.
 */
final class KnownHostsVerifier implements ServerKeyVerifier {

    static final String REVOKED = "revoked";
    static final String CERT_AUTHORITY = "cert-authority";

    private final Path knownHosts;
    /**
     * Why a target's key was last rejected, by "host:port". Not a session attribute: a session that failed key
     * exchange closes and clears its attributes, racing the probe that wants to read them.
     */
    private final Map<String, String> rejections = new ConcurrentHashMap<>();
    private volatile Parsed parsed = Parsed.NO_FILE;

    KnownHostsVerifier(Path knownHosts) {
        this.knownHosts = knownHosts;
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
        InetSocketAddress address = (InetSocketAddress) session.getConnectAddress();
        return verify(address.getHostString(), address.getPort(), serverKey);
    }

    /** Whether {@code serverKey} is trusted for the host and port; if not, {@link #rejection} says why. */
    boolean verify(String host, int port, PublicKey serverKey) {
        String target = target(host, port);
        String verdict;
        try {
            verdict = verdict(serverKey, current().linesFor(host, port));
        } catch (IOException | GeneralSecurityException e) {
            verdict = "KNOWN_HOSTS_UNREADABLE";
        }
        if (verdict == null) {
            return true;
        }
        rejections.put(target, verdict);
        return false;
    }

    /** The file as it is now: its last parse if its bytes are the same, else a new one. */
    private Parsed current() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(knownHosts);
        } catch (NoSuchFileException e) {
            return Parsed.NO_FILE;
        }
        Parsed last = parsed;
        if (Arrays.equals(last.bytes, bytes)) {
            return last;
        }
        synchronized (this) { // after an edit, the checks in flight wait for one parse instead of each doing it
            last = parsed;
            if (Arrays.equals(last.bytes, bytes)) {
                return last;
            }
            Parsed fresh = new Parsed(bytes, KnownHostEntry.readKnownHostEntries(new ByteArrayInputStream(bytes), true));
            parsed = fresh;
            return fresh;
        }
    }

    /** One parse of the file's bytes, and which of its lines concern each target asked about so far. */
    private static final class Parsed {
        static final Parsed NO_FILE = new Parsed(null, List.of());

        final byte[] bytes;
        private final List<KnownHostEntry> entries;
        private final Map<String, List<KnownHostEntry>> byTarget = new ConcurrentHashMap<>();

        Parsed(byte[] bytes, List<KnownHostEntry> entries) {
            this.bytes = bytes;
            this.entries = entries;
        }

        /** The lines that can decide about this host and port: those matching it, and every {@code @revoked} line. */
        List<KnownHostEntry> linesFor(String host, int port) {
            return byTarget.computeIfAbsent(target(host, port), target -> entries.stream()
                    .filter(entry -> entry.getKeyEntry() != null)
                    .filter(entry -> REVOKED.equals(entry.getMarker()) || entry.isHostMatch(host, port))
                    .toList());
        }
    }

    /** Null to accept, else the reason to reject. */
    private static String verdict(PublicKey serverKey, List<KnownHostEntry> entries) throws IOException, GeneralSecurityException {
        boolean accepted = false;
        boolean plainEntry = false;
        boolean certAuthority = false;
        for (KnownHostEntry entry : entries) {
            String marker = entry.getMarker();
            if (REVOKED.equals(marker)) {
                // Regardless of its host patterns: "@revoked * key" is the usual form, and MINA matches a bare "*"
                // only on port 22. A revoked key is never to be trusted for any host.
                if (sameKey(entry, serverKey)) {
                    return "HOST_KEY_REVOKED";
                }
                continue;
            }
            if (CERT_AUTHORITY.equals(marker)) {
                certAuthority = true; // a CA key signs host certificates; it must never pass for a host key
            } else if (marker == null) {
                plainEntry = true;
                accepted |= sameKey(entry, serverKey);
            }
            // Unknown markers are skipped, as OpenSSH does.
        }
        if (serverKey instanceof OpenSshCertificate) {
            return "HOST_CERT_UNSUPPORTED";
        }
        if (accepted) {
            return null;
        }
        if (plainEntry) {
            return "HOST_KEY_CHANGED";
        }
        return certAuthority ? "HOST_CERT_UNSUPPORTED" : "HOST_KEY_UNKNOWN";
    }

    private static boolean sameKey(KnownHostEntry entry, PublicKey serverKey) throws IOException, GeneralSecurityException {
        PublicKey known = entry.getKeyEntry().resolvePublicKey(null, null, PublicKeyEntryResolver.IGNORING);
        return known != null && KeyUtils.compareKeys(known, serverKey);
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
