package io.restartwatch.check;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;

/**
 * Gives check-service an SSH identity and an (initially empty) known_hosts file before it starts, in
 * {@code target/test-ssh/}; {@link TestSshServer}s accept that identity and pin their host keys there.
 */
public class SshTestResource implements QuarkusTestResourceLifecycleManager {

    static final Path DIR = Path.of("target/test-ssh").toAbsolutePath();
    static final Path PRIVATE_KEY = DIR.resolve("id_ed25519");
    static final Path PUBLIC_KEY = DIR.resolve("id_ed25519.pub");
    static final Path KNOWN_HOSTS = DIR.resolve("known_hosts");

    @Override
    public Map<String, String> start() {
        try {
            Files.createDirectories(DIR);
            // Ed25519, as most operators' keys are.
            KeyPair identity = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
            try (OutputStream out = Files.newOutputStream(PRIVATE_KEY)) {
                OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(identity, "restartwatch-test",
                        (org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext) null, out);
            }
            Files.writeString(PUBLIC_KEY, PublicKeyEntry.toString(identity.getPublic()) + "\n");
            Files.writeString(KNOWN_HOSTS, "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return Map.of(
                "restartwatch.probe.ssh.private-key", PRIVATE_KEY.toString(),
                "restartwatch.probe.ssh.known-hosts", KNOWN_HOSTS.toString(),
                // Long enough for a loaded 2-core machine to answer a real command; the hanging server's test waits this out.
                "restartwatch.probe.ssh.command-timeout", "PT10S",
                "restartwatch.probe.ssh.connect-timeout", "PT10S");
    }

    @Override
    public void stop() {
        // keys stay in target/ for post-mortem
    }
}
