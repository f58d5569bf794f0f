package io.restartwatch.check.probe;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * Strict host-key checking against a known_hosts file (OpenSSH format, see sshd(8) "SSH_KNOWN_HOSTS FILE
 * FORMAT"), looked at again on each check so edits apply at once. Never trusts an unknown key and never accepts a
 * changed one; it records why a key was rejected so the check can say so:
 * <ul>
 * <li>{@code HOST_KEY_REVOKED}: the key is on a {@code @revoked} line, which wins over any line accepting it;</li>
 * <li>{@code HOST_KEY_CHANGED}: the host has plain entries, none with this key;</li>
 * <li>{@code HOST_CERT_UNSUPPORTED}: the host is only vouched for by a {@code @cert-authority} line, or offers a
 * certificate; this probe does not verify host certificates, and a CA key is not a host key;</li>
 * <li>{@code HOST_KEY_UNKNOWN}: nothing about the host.</li>
 * </ul>
 * A fleet's known_hosts has a line per server, and parsing 1 000 lines costs ~9 ms of CPU (10 000: 40–96 ms), more
 * than the SSH handshake itself; so the file is parsed again only when its bytes differ from the last parse. Nor is
 * it read at every check (100 000 lines are ~10 MB): what {@code stat} says of it (inode, size, modification and
 * change times, the last of which no tool can set back) is compared first, and the bytes are read only if that
 * changed or had not settled ({@link Stamp#settled}), and at least every {@link #READ_AT_LEAST_EVERY}. Each target's
 * lines are picked out once per parse.
 */
final class KnownHostsVerifier implements ServerKeyVerifier {

    /**
     * A network file system may answer {@code stat} from its attribute cache (NFS: up to 60 s) where opening the file
     * would have revalidated it, and its server's clock is not ours: the bytes are read again after this long anyway.
     */
    static final Duration READ_AT_LEAST_EVERY = Duration.ofSeconds(10);

    static final String REVOKED = "revoked";
    static final String CERT_AUTHORITY = "cert-authority";

    private final Path knownHosts;
    /**
     * Why a target's key was last rejected, by "host:port". Not a session attribute: a session that failed key
     * exchange closes and clears its attributes, racing the probe that wants to read them.
     */
    private final Map<String, String> rejections = new ConcurrentHashMap<>();
    private final Clock clock;
    private final AtomicLong fileReads = new AtomicLong();
    private volatile Parsed parsed = Parsed.NO_FILE;

    KnownHostsVerifier(Path knownHosts) {
        this(knownHosts, Clock.systemUTC());
    }

    KnownHostsVerifier(Path knownHosts, Clock clock) {
        this.knownHosts = knownHosts;
        this.clock = clock;
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

    /**
     * The file as it is now: its last parse if its settled stamp is unchanged or its bytes are the same, else a new one.
     * The stamp is taken before the bytes are read: an edit in between leaves an older stamp with the newer bytes, which
     * the next check finds changed and reads again.
     */
    private Parsed current() throws IOException {
        Instant stampedAt = clock.instant();
        Stamp stamp;
        try {
            stamp = Stamp.of(knownHosts);
        } catch (NoSuchFileException e) {
            return Parsed.NO_FILE;
        }
        Parsed last = parsed;
        if (stamp != null && stamp.equals(last.stamp) && last.stamp.settled(last.stampedAt)
                && stampedAt.isBefore(last.stampedAt.plus(READ_AT_LEAST_EVERY))) {
            return last;
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(knownHosts);
            fileReads.incrementAndGet();
        } catch (NoSuchFileException e) {
            return Parsed.NO_FILE;
        }
        synchronized (this) { // after an edit, the checks in flight wait for one parse instead of each doing it
            last = parsed;
            if (last.stampedAt.isAfter(stampedAt)) {
                return last; // a check that read the file later got here first: its view is the newer one
            }
            Parsed fresh = Arrays.equals(last.bytes, bytes) ? last.restamped(stamp, stampedAt)
                    : new Parsed(bytes, KnownHostEntry.readKnownHostEntries(new ByteArrayInputStream(bytes), true), stamp, stampedAt);
            parsed = fresh;
            return fresh;
        }
    }

    /** How many times the file's bytes were read. */
    long fileReads() {
        return fileReads.get();
    }

    /**
     * What {@code stat} says of the file; a change of its content changes the change time at least. Null where the
     * file system has no such view (then the bytes are read at every check).
     */
    record Stamp(Object device, Object inode, long size, FileTime modified, FileTime changed) {

        /**
         * File times have a granularity (a jiffy on ext4, 2 s on FAT): an edit within the same tick as the write
         * stamped can leave every field equal. A stamp is trusted only once its times are older than that by the time
         * it was taken, so any later edit falls in a later tick.
         */
        static final Duration GRANULARITY = Duration.ofSeconds(2);

        static Stamp of(Path file) throws IOException {
            Map<String, Object> stat;
            try {
                stat = Files.readAttributes(file, "unix:dev,ino,size,lastModifiedTime,ctime");
            } catch (UnsupportedOperationException | IllegalArgumentException e) {
                return null;
            }
            return new Stamp(stat.get("dev"), stat.get("ino"), (Long) stat.get("size"), (FileTime) stat.get("lastModifiedTime"),
                    (FileTime) stat.get("ctime"));
        }

        boolean settled(Instant stampedAt) {
            Instant threshold = stampedAt.minus(GRANULARITY);
            return modified.toInstant().isBefore(threshold) && changed.toInstant().isBefore(threshold);
        }
    }

    /** One parse of the file's bytes, and which of its lines concern each target asked about so far. */
    private static final class Parsed {
        static final Parsed NO_FILE = new Parsed(null, List.of(), null, Instant.EPOCH);

        final byte[] bytes;
        private final List<KnownHostEntry> entries;
        private final Map<String, List<KnownHostEntry>> byTarget;
        /** The file's stamp taken just before {@link #bytes} were read, and when. */
        final Stamp stamp;
        final Instant stampedAt;

        Parsed(byte[] bytes, List<KnownHostEntry> entries, Stamp stamp, Instant stampedAt) {
            this(bytes, entries, new ConcurrentHashMap<>(), stamp, stampedAt);
        }

        private Parsed(byte[] bytes, List<KnownHostEntry> entries, Map<String, List<KnownHostEntry>> byTarget, Stamp stamp,
                       Instant stampedAt) {
            this.bytes = bytes;
            this.entries = entries;
            this.byTarget = byTarget;
            this.stamp = stamp;
            this.stampedAt = stampedAt;
        }

        /** The same parse, for the same bytes found under a newer stamp (touched, copied over, or just settled). */
        Parsed restamped(Stamp newer, Instant at) {
            return new Parsed(bytes, entries, byTarget, newer, at);
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
