package io.restartwatch.check.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.restartwatch.testsupport.AdjustableClock;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** known_hosts is parsed once per content, read only when it may have changed, and every edit applies to the very next check. */
class KnownHostsVerifierTest {

    @TempDir
    Path dir;

    @Test
    void aKeyReplacedByOneOfTheSameSizeRightAfterACheckIsRejectedAtTheNext() throws Exception {
        Path knownHosts = dir.resolve("known_hosts");
        PublicKey first = newKey();
        PublicKey second = newKey();
        Files.writeString(knownHosts, line("web-1", first));
        var verifier = new KnownHostsVerifier(knownHosts);
        assertTrue(verifier.verify("web-1", 22, first));

        // Same length, and likely within the same tick of the file clock: size cannot tell the change, nor may the time.
        Files.writeString(knownHosts, line("web-1", second));
        assertEquals(line("web-1", first).length(), Files.size(knownHosts));

        assertFalse(verifier.verify("web-1", 22, first));
        assertEquals("HOST_KEY_CHANGED", verifier.rejection("web-1", 22));
        verifier.forget("web-1", 22);
        assertTrue(verifier.verify("web-1", 22, second));
        assertNull(verifier.rejection("web-1", 22));
    }

    /**
     * Once the file's times are older than their granularity, an unchanged file is not read again; a file moved into
     * place (as provisioning tools and editors write) is a new inode, read at the very next check even at the same size
     * and time; and it is read again at least every {@link KnownHostsVerifier#READ_AT_LEAST_EVERY} (a network file
     * system's attribute cache). The clock runs a minute ahead so the file has settled without waiting.
     */
    @Test
    void aSettledFileIsReadOnceAndOneMovedIntoPlaceIsReadAtTheNextCheck() throws Exception {
        Path knownHosts = dir.resolve("known_hosts");
        PublicKey first = newKey();
        PublicKey second = newKey();
        Files.writeString(knownHosts, line("web-1", first));
        AdjustableClock clock = new AdjustableClock();
        clock.advance(Duration.ofMinutes(1));
        var verifier = new KnownHostsVerifier(knownHosts, clock);
        for (int check = 0; check < 50; check++) {
            assertTrue(verifier.verify("web-1", 22, first));
        }
        assertEquals(1, verifier.fileReads());
        clock.advance(KnownHostsVerifier.READ_AT_LEAST_EVERY);
        assertTrue(verifier.verify("web-1", 22, first));
        assertTrue(verifier.verify("web-1", 22, first));
        assertEquals(2, verifier.fileReads());

        Path replacement = Files.writeString(dir.resolve("known_hosts.new"), line("web-1", second));
        Files.setLastModifiedTime(replacement, Files.getLastModifiedTime(knownHosts));
        Files.move(replacement, knownHosts, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        assertFalse(verifier.verify("web-1", 22, first));
        assertEquals("HOST_KEY_CHANGED", verifier.rejection("web-1", 22));
        assertEquals(3, verifier.fileReads());
    }

    @Test
    void eachHostOfALargeFileIsJudgedByItsOwnLinesAndARevocationAddedLaterWins() throws Exception {
        Path knownHosts = dir.resolve("known_hosts");
        PublicKey shared = newKey();
        PublicKey own = newKey();
        String fleet = IntStream.range(0, 2_000).mapToObj(i -> line("host-" + i, shared)).collect(Collectors.joining());
        Files.writeString(knownHosts, fleet + line("[db-1]:2222", own));
        var verifier = new KnownHostsVerifier(knownHosts);

        assertTrue(verifier.verify("host-1999", 22, shared));
        assertTrue(verifier.verify("db-1", 2222, own));
        assertFalse(verifier.verify("db-1", 2222, shared));
        assertEquals("HOST_KEY_CHANGED", verifier.rejection("db-1", 2222));
        assertFalse(verifier.verify("db-1", 22, own));
        assertEquals("HOST_KEY_UNKNOWN", verifier.rejection("db-1", 22));

        Files.writeString(knownHosts, "@revoked * " + PublicKeyEntry.toString(shared) + "\n" + fleet);
        assertFalse(verifier.verify("host-1999", 22, shared));
        assertEquals("HOST_KEY_REVOKED", verifier.rejection("host-1999", 22));
    }

    @Test
    void aRemovedFileTrustsNothingAndAnUnreadableOneSaysSo() throws Exception {
        Path knownHosts = dir.resolve("known_hosts");
        PublicKey key = newKey();
        Files.writeString(knownHosts, line("web-1", key));
        var verifier = new KnownHostsVerifier(knownHosts);
        assertTrue(verifier.verify("web-1", 22, key));

        Files.delete(knownHosts);
        assertFalse(verifier.verify("web-1", 22, key));
        assertEquals("HOST_KEY_UNKNOWN", verifier.rejection("web-1", 22));

        Files.createDirectory(knownHosts); // a directory where the file should be: reading it fails
        assertFalse(verifier.verify("web-1", 22, key));
        assertEquals("KNOWN_HOSTS_UNREADABLE", verifier.rejection("web-1", 22));
    }

    private static String line(String hostPattern, PublicKey key) {
        return hostPattern + " " + PublicKeyEntry.toString(key) + "\n";
    }

    private static PublicKey newKey() throws GeneralSecurityException {
        return KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256).getPublic();
    }
}
