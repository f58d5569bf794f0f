package io.restartwatch.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.restartwatch.localstack.FakeServerRoot;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;

/**
 * Local SSH targets: one Apache MINA SSHD server on loopback, one account per fake server. Account
 * {@code <name>} exists once {@link #writeRoot} wrote the server's root file system {@code <fleet>/<name>}; any
 * other account is refused at authentication (check-service then records the check UNREACHABLE), so a server
 * registered with the wrong account, or before its root exists, cannot pass for a good one. The probe command
 * runs in a real {@code /bin/sh -c} with {@code RESTARTWATCH_ROOT} set there, as sshd would run it. In
 * {@code replay} mode (the SSH sweep), the shell runs once per account and command, and that account's later
 * sessions get the same bytes back without a fork: the targets of a real fleet are other machines, and forking a
 * shell per check on the same 2 cores would measure this machine's fork rate, not check-service. Writing a root
 * or rebooting a server forgets its replayed answers.
 * <p>
 * known_hosts pins the server's host key for its loopback port and, as a fleet's known_hosts does, has a line per
 * server: each {@link #writeRoot} adds one for an address of the fleet's own (10.x.y.z), so every check reads a file
 * the size the fleet's would be.
 */
final class SshTargets implements AutoCloseable {

    final Path dir;
    final Path privateKey;
    final Path knownHosts;
    final Path fleet;
    private final SshServer server;
    /** Account → root, for the accounts whose root has been written. */
    private final Map<String, Path> accounts = new ConcurrentHashMap<>();
    /** Account → (command → output), in replay mode. */
    private final Map<String, Map<String, byte[]>> replayCache = new ConcurrentHashMap<>();
    volatile boolean replay;
    private final String hostKeyEntry;
    private final java.util.concurrent.ExecutorService answering = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "probe-shell");
        thread.setDaemon(true);
        return thread;
    });

    SshTargets(Path dir) throws IOException, GeneralSecurityException {
        this.dir = Files.createDirectories(dir);
        this.fleet = Files.createDirectories(dir.resolve("fleet"));
        privateKey = dir.resolve("id_ecdsa");
        knownHosts = dir.resolve("known_hosts");
        KeyPair identity = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
        try (OutputStream out = Files.newOutputStream(privateKey)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(identity, "restartwatch-bench", (OpenSSHKeyEncryptionContext) null, out);
        }
        PublicKey allowed = identity.getPublic();
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        // ECDSA P-256, the common host key; the provider's default (P-521) costs several times more per handshake.
        SimpleGeneratorHostKeyProvider hostKeys = new SimpleGeneratorHostKeyProvider(dir.resolve("hostkey.ser"));
        hostKeys.setAlgorithm(KeyUtils.EC_ALGORITHM);
        hostKeys.setKeySize(256);
        server.setKeyPairProvider(hostKeys);
        // MINA writes each SSH message as its own segment; without this, Nagle's algorithm holds some of them until
        // the peer's delayed acknowledgement (~40 ms, several times a login: 66 ms against 7 ms for a lone login
        // here), a stall of this stand-in that OpenSSH's sshd does not show (measured with check-service's client).
        CoreModuleProperties.TCP_NODELAY.set(server, true);
        server.setPublickeyAuthenticator((user, key, session) -> accounts.containsKey(user) && KeyUtils.compareKeys(allowed, key));
        server.setCommandFactory((channel, command) -> new ProbeShell(command));
        server.start();
        KeyPair host = server.getKeyPairProvider().loadKeys(null).iterator().next();
        hostKeyEntry = PublicKeyEntry.toString(host.getPublic());
        Files.writeString(knownHosts, "[127.0.0.1]:" + server.getPort() + " " + hostKeyEntry + "\n");
    }

    int port() {
        return server.getPort();
    }

    /** Environment check-service needs to probe these targets. */
    Map<String, String> checkServiceEnv() {
        return Map.of("RESTARTWATCH_PROBE_SSH_PRIVATE_KEY", privateKey.toString(),
                "RESTARTWATCH_PROBE_SSH_KNOWN_HOSTS", knownHosts.toString());
    }

    /**
     * Writes the fake root of server {@code name} and opens its account {@code name}: restart required since
     * {@code pendingDays} ago (or not, if negative). Register the server only after this.
     */
    synchronized Path writeRoot(String name, int pendingDays, List<String> packages) throws IOException {
        if (!name.matches("[a-z0-9._-]+")) {
            throw new IllegalArgumentException("account names are [a-z0-9._-]+: " + name);
        }
        Path root = FakeServerRoot.write(fleet.resolve(name), pendingDays, packages);
        replayCache.remove(name);
        if (accounts.put(name, root) == null) {
            int line = accounts.size();
            Files.writeString(knownHosts, "10." + (line >> 16 & 0xff) + "." + (line >> 8 & 0xff) + "." + (line & 0xff) + " "
                    + hostKeyEntry + "\n", StandardOpenOption.APPEND);
        }
        return root;
    }

    /** The boot id the server {@code name}'s probe reads from its root. */
    String bootId(String name) throws IOException {
        return Files.readString(accounts.get(name).resolve("proc/sys/kernel/random/boot_id")).trim();
    }

    /** The server was rebooted: the sentinel is gone. */
    void rebooted(String name) throws IOException {
        Files.deleteIfExists(fleet.resolve(name).resolve("var/run/reboot-required"));
        Files.deleteIfExists(fleet.resolve(name).resolve("var/run/reboot-required.pkgs"));
        replayCache.remove(name);
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
        answering.shutdownNow();
    }

    /** Runs the probe command for the session's account. */
    private final class ProbeShell implements Command, Runnable {
        private final String command;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;
        private String account;

        ProbeShell(String command) {
            this.command = command;
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            exit = callback;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setInputStream(InputStream in) {
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void start(ChannelSession channel, Environment env) {
            account = channel.getSession().getUsername();
            answering.execute(this);
        }

        @Override
        public void run() {
            int status = 0;
            try {
                Path root = accounts.get(account); // authentication admitted only accounts with a root
                byte[] output = replay
                        ? replayCache.computeIfAbsent(account, k -> new ConcurrentHashMap<>()).computeIfAbsent(command, k -> shell(root))
                        : shell(root);
                out.write(output);
                out.flush();
            } catch (IOException | UncheckedIOException e) {
                status = 1;
                try {
                    err.write(e.toString().getBytes(StandardCharsets.UTF_8));
                    err.flush();
                } catch (IOException ignored) {
                    // channel closed
                }
            }
            exit.onExit(status);
        }

        private byte[] shell(Path root) {
            try {
                Process process = new ProcessBuilder("/bin/sh", "-c",
                        "RESTARTWATCH_ROOT='" + root + "'; export RESTARTWATCH_ROOT; " + command)
                        .redirectErrorStream(false).start();
                process.getOutputStream().close();
                ByteArrayOutputStream output = new ByteArrayOutputStream();
                process.getInputStream().transferTo(output);
                process.waitFor(15, TimeUnit.SECONDS);
                return output.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void destroy(ChannelSession channel) {
        }
    }
}
