package io.restartwatch.systemtest;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Map;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.shell.InvertedShellWrapper;
import org.apache.sshd.server.shell.ProcessShell;

/**
 * One server of the fleet reached over SSH: a real SSH server on loopback (Apache MINA SSHD) that runs the probe
 * command in a real {@code /bin/sh -c} with {@code RESTARTWATCH_ROOT} at the server's fake root, as sshd would,
 * and accepts only check-service's identity. It can be reinstalled with a new host key on the same port.
 */
final class SshTarget implements AutoCloseable {

    private final Path dir;
    private final Path root;
    private final Path privateKey;
    private final Path knownHosts;
    private final PublicKey identity;
    private SshServer server;
    private int port;
    private int generation;

    /** Writes check-service's identity and an empty known_hosts in {@code dir}; starts serving {@code root}. */
    SshTarget(Path dir, Path root) throws IOException, GeneralSecurityException {
        this.dir = Files.createDirectories(dir);
        this.root = root;
        privateKey = dir.resolve("id_ecdsa");
        knownHosts = dir.resolve("known_hosts");
        KeyPair pair = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
        try (OutputStream out = Files.newOutputStream(privateKey)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, "restartwatch-system-test", (OpenSSHKeyEncryptionContext) null, out);
        }
        identity = pair.getPublic();
        Files.writeString(knownHosts, "");
        start(0);
    }

    /** Environment check-service needs to probe this target. */
    Map<String, String> checkServiceEnv() {
        return Map.of("RESTARTWATCH_PROBE_SSH_PRIVATE_KEY", privateKey.toString(),
                "RESTARTWATCH_PROBE_SSH_KNOWN_HOSTS", knownHosts.toString());
    }

    int port() {
        return port;
    }

    /** Pins the current host key in check-service's known_hosts (what {@code ssh-keyscan >> known_hosts} does). */
    void trustCurrentHostKey() throws IOException, GeneralSecurityException {
        PublicKey hostKey = server.getKeyPairProvider().loadKeys(null).iterator().next().getPublic();
        Files.writeString(knownHosts, "[127.0.0.1]:" + port + " " + PublicKeyEntry.toString(hostKey) + "\n", StandardOpenOption.APPEND);
    }

    /** The server is reinstalled: same port and root, a newly generated host key that known_hosts does not pin. */
    void rotateHostKey() throws IOException {
        server.stop(true);
        start(port);
    }

    private void start(int onPort) throws IOException {
        SshServer ssh = SshServer.setUpDefaultServer();
        ssh.setHost("127.0.0.1");
        ssh.setPort(onPort);
        SimpleGeneratorHostKeyProvider hostKeys = new SimpleGeneratorHostKeyProvider(dir.resolve("hostkey-" + generation++ + ".ser"));
        hostKeys.setAlgorithm(KeyUtils.EC_ALGORITHM);
        hostKeys.setKeySize(256);
        ssh.setKeyPairProvider(hostKeys);
        // Each SSH message in its own segment, at once: without it MINA stalls on delayed ACKs, as sshd does not.
        CoreModuleProperties.TCP_NODELAY.set(ssh, true);
        ssh.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(identity, key));
        ssh.setCommandFactory((channel, command) -> new InvertedShellWrapper(new ProcessShell("/bin/sh", "-c",
                "RESTARTWATCH_ROOT='" + root + "'; export RESTARTWATCH_ROOT; " + command)));
        ssh.start();
        server = ssh;
        port = ssh.getPort();
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }
}
