package io.restartwatch.check.probe;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.jboss.logging.Logger;

/**
 * Pulls a server's state over SSH (Apache MINA SSHD): key-based login, strict host-key verification, one
 * command ({@link ProbeCommand}), bounded by connect, auth and command timeouts. Every failure is an
 * {@code UNREACHABLE} result with a reason, never an exception.
 */
@ApplicationScoped
public class SshProbe implements Probe {

    private static final Logger LOG = Logger.getLogger(SshProbe.class);
    /** stderr only ever serves as a failure's detail (stored truncated to 500 characters). */
    private static final int MAX_ERROR_BYTES = 4 * 1024;

    private final SshSettings settings;
    private final String command;
    private SshClient client;
    private KnownHostsVerifier verifier;
    private List<KeyPair> identities = List.of();

    public SshProbe(SshSettings settings, ProbePaths paths) {
        this.settings = settings;
        this.command = ProbeCommand.script(paths);
    }

    void start(@Observes StartupEvent event) {
        if (settings.privateKey().isEmpty()) {
            return;
        }
        try {
            identities = loadIdentities();
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.errorf("SSH probing disabled: cannot read private key %s: %s", settings.privateKey().get(), e.toString());
            return;
        }
        client = SshClient.setUpDefaultClient();
        verifier = new KnownHostsVerifier(settings.knownHosts());
        client.setServerKeyVerifier(verifier);
        // MINA writes each SSH message as its own segment; with Nagle's algorithm, one sent while the peer has not
        // yet acknowledged the last waits for that acknowledgement (up to 40 ms, delayed ACK), several times a login.
        CoreModuleProperties.TCP_NODELAY.set(client, true);
        client.start();
    }

    void stop(@Observes ShutdownEvent event) throws IOException {
        if (client != null) {
            client.stop();
        }
    }

    public boolean enabled() {
        return client != null;
    }

    @Override
    public ProbeResult probe(ProbeTarget target) {
        if (client == null) {
            return ProbeResult.unreachable("SSH_NOT_CONFIGURED", "Set restartwatch.probe.ssh.private-key to a readable key");
        }
        String user = target.sshUser() != null ? target.sshUser() : settings.defaultUser();
        ClientSession session = null;
        verifier.forget(target.host(), target.sshPort());
        try {
            session = client.connect(user, target.host(), target.sshPort()).verify(settings.connectTimeout()).getSession();
            for (KeyPair identity : identities) {
                session.addPublicKeyIdentity(identity);
            }
            session.auth().verify(settings.authTimeout());
            return run(session);
        } catch (IOException | RuntimeException e) {
            return failure(target, e);
        } finally {
            if (session != null) {
                session.close(true);
            }
        }
    }

    private ProbeResult run(ClientSession session) throws IOException {
        // Closing the whole session on overflow stops reading at once; the probe closes it afterwards anyway.
        BoundedOutput out = new BoundedOutput(ProbeReport.MAX_OUTPUT_BYTES, () -> session.close(true));
        BoundedOutput err = new BoundedOutput(MAX_ERROR_BYTES, () -> { });
        try (ChannelExec channel = session.createExecChannel(command)) {
            channel.setOut(out);
            channel.setErr(err);
            channel.open().verify(settings.connectTimeout());
            Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), settings.commandTimeout());
            if (out.overflowed()) {
                return outputTooLarge(out);
            }
            if (events.contains(ClientChannelEvent.TIMEOUT)) {
                return ProbeResult.unreachable("TIMEOUT", "The probe command did not finish within " + settings.commandTimeout());
            }
        } catch (IOException | RuntimeException e) {
            if (out.overflowed()) {
                return outputTooLarge(out); // the session closed under an in-flight open or wait
            }
            throw e;
        }
        ProbeResult result = ProbeCommand.parse(out.text());
        if (result.reason() != null && err.size() > 0) {
            return ProbeResult.unreachable(result.reason(), err.text().strip());
        }
        return result;
    }

    static ProbeResult outputTooLarge(BoundedOutput out) {
        return ProbeResult.unreachable(ProbeCommand.overflowReason(out.text()),
                "The probe command wrote more than " + ProbeReport.MAX_OUTPUT_BYTES / 1024 + " KiB; reading stopped at the cap");
    }

    private ProbeResult failure(ProbeTarget target, Exception e) {
        String rejection = verifier.rejection(target.host(), target.sshPort());
        if (rejection != null) {
            return ProbeResult.unreachable(rejection, "Host key of " + target.host() + ":" + target.sshPort() + " rejected (" + rejection + ")");
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof SocketTimeoutException || message.toLowerCase().contains("timeout")) {
            return ProbeResult.unreachable("TIMEOUT", message);
        }
        if (message.contains("No more authentication methods") || message.toLowerCase().contains("auth")) {
            return ProbeResult.unreachable("AUTH_FAILED", message);
        }
        if (e instanceof java.net.ConnectException || message.contains("Connection refused")) {
            return ProbeResult.unreachable("CONNECTION_REFUSED", message);
        }
        return ProbeResult.unreachable("SSH_ERROR", message);
    }

    private List<KeyPair> loadIdentities() throws IOException, GeneralSecurityException {
        var provider = new FileKeyPairProvider(settings.privateKey().get());
        List<KeyPair> keys = new java.util.ArrayList<>();
        for (KeyPair key : provider.loadKeys(null)) {
            keys.add(key);
        }
        if (keys.isEmpty()) {
            throw new IOException("no key found");
        }
        return keys;
    }
}
