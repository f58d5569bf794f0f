package io.restartwatch.check;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;

import io.restartwatch.localstack.LoopbackPorts;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.CommandFactory;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.shell.InvertedShellWrapper;
import org.apache.sshd.server.shell.ProcessShell;

/**
 * A real SSH server on loopback (Apache MINA SSHD) standing for one server of the fleet: it runs the probe
 * command in a real {@code /bin/sh} with {@code RESTARTWATCH_ROOT} pointing at the server's fake root, and
 * accepts only check-service's test identity.
 */
final class TestSshServer implements AutoCloseable {

    private final SshServer server;
    private final CommandFactory commands;
    final FakeServerRoot root;

    private TestSshServer(SshServer server, FakeServerRoot root, CommandFactory commands) {
        this.server = server;
        this.root = root;
        this.commands = commands;
    }

    /** A server that runs the probe command against {@code root}. */
    static TestSshServer serving(FakeServerRoot root) {
        // As a real sshd does: the command string goes to the login shell (sh -c), here with the fake root set.
        return start(root, (channel, command) -> new InvertedShellWrapper(new ProcessShell("/bin/sh", "-c",
                "RESTARTWATCH_ROOT='" + root.root() + "'; export RESTARTWATCH_ROOT; " + command)));
    }

    /** A server that accepts the command and never answers: for timeouts. */
    static TestSshServer hanging(FakeServerRoot root) {
        return start(root, (channel, command) -> new HangingCommand());
    }

    /**
     * On a port no earlier server of this JVM had: known_hosts keeps every pinned line for the whole run, so a
     * reused port (the kernel hands ephemeral ports out again) would meet an earlier server's pin, HOST_KEY_CHANGED.
     */
    private static TestSshServer start(FakeServerRoot root, CommandFactory commands) {
        return start(root, commands, LoopbackPorts.reserve());
    }

    /**
     * The server is reinstalled: this one stops and another starts on the same port, serving the same root, with a
     * newly generated host key (which known_hosts does not pin yet).
     */
    TestSshServer withRotatedHostKey() throws IOException {
        int port = port();
        close();
        return start(root, commands, port);
    }

    private static TestSshServer start(FakeServerRoot root, CommandFactory commands, int port) {
        try {
            SshServer server = SshServer.setUpDefaultServer();
            server.setHost("127.0.0.1");
            server.setPort(port);
            server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(Files.createTempDirectory("sshd").resolve("hostkey.ser")));
            PublicKey allowed = PublicKeyEntry.parsePublicKeyEntry(Files.readString(SshTestResource.PUBLIC_KEY).trim())
                    .resolvePublicKey(null, null, null);
            server.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(allowed, key));
            server.setCommandFactory(commands);
            // Each SSH message in its own segment, at once: without it MINA stalls on delayed ACKs, as sshd does not.
            CoreModuleProperties.TCP_NODELAY.set(server, true);
            server.start();
            return new TestSshServer(server, root, commands);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    int port() {
        return server.getPort();
    }

    PublicKey hostKey() {
        try {
            KeyPair pair = server.getKeyPairProvider().loadKeys(null).iterator().next();
            return pair.getPublic();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Pins this server's real host key in check-service's known_hosts. */
    TestSshServer trusted() {
        return pin(hostKey());
    }

    /** Pins some other key for this host and port: the server's real key then counts as changed. */
    TestSshServer pinnedToAnotherKey() {
        try {
            return pin(KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256).getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Lists this server's real host key on a {@code @revoked} line for every host (OpenSSH's usual form). */
    TestSshServer revoked() {
        return append("@revoked * " + PublicKeyEntry.toString(hostKey()));
    }

    /** Lists this server's real host key as a {@code @cert-authority} key for this host and port. */
    TestSshServer vouchedForByCertAuthorityWithItsOwnKey() {
        return append("@cert-authority [127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(hostKey()));
    }

    private TestSshServer pin(PublicKey key) {
        return append("[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(key));
    }

    private TestSshServer append(String knownHostsLine) {
        try {
            Files.writeString(SshTestResource.KNOWN_HOSTS, knownHostsLine + "\n", StandardOpenOption.APPEND);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }

    /** Never exits. */
    private static final class HangingCommand implements Command {
        @Override
        public void setExitCallback(ExitCallback callback) {
        }

        @Override
        public void setErrorStream(OutputStream err) {
        }

        @Override
        public void setInputStream(InputStream in) {
        }

        @Override
        public void setOutputStream(OutputStream out) {
        }

        @Override
        public void start(ChannelSession channel, Environment env) {
        }

        @Override
        public void destroy(ChannelSession channel) {
        }
    }
}
