package io.restartwatch.check.probe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Checks a directory that stands for the server's root file system ({@code <base-dir>/<server id>}) by running
 * the very command the SSH probe runs ({@link ProbeCommand}) in a local {@code /bin/sh} with
 * {@code RESTARTWATCH_ROOT} set to it: the sentinel, packages, kernels, {@code proc/net} socket tables and any
 * tools the root carries in its {@code usr/sbin}, {@code usr/bin}, {@code sbin} or {@code bin}. For checking
 * check-service's own host (base dir {@code /} is not allowed: use a bind mount or symlink) and for the demo fleet.
 */
@ApplicationScoped
public class LocalProbe implements Probe {

    private final Optional<Path> baseDir;
    private final String command;
    private final Duration timeout;

    public LocalProbe(@ConfigProperty(name = "restartwatch.probe.local.base-dir") Optional<Path> baseDir, ProbePaths paths,
                      @ConfigProperty(name = "restartwatch.probe.local.command-timeout", defaultValue = "PT15S") Duration timeout) {
        this.baseDir = baseDir;
        this.command = ProbeCommand.script(paths);
        this.timeout = timeout;
    }

    public boolean enabled() {
        return baseDir.isPresent();
    }

    @Override
    public ProbeResult probe(ProbeTarget target) {
        if (baseDir.isEmpty()) {
            return ProbeResult.unreachable("LOCAL_PROBE_DISABLED", "restartwatch.probe.local.base-dir is not set");
        }
        Path root = baseDir.get().resolve(target.serverId()).normalize();
        if (!root.startsWith(baseDir.get().normalize()) || !Files.isDirectory(root)) {
            return ProbeResult.unreachable("ROOT_MISSING", "No directory " + root);
        }
        Process process = null;
        try {
            ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            builder.environment().put("RESTARTWATCH_ROOT", root.toString());
            process = builder.start();
            BoundedOutput out = new BoundedOutput(ProbeReport.MAX_OUTPUT_BYTES, () -> { });
            Thread reader = new Thread(copier(process.getInputStream(), out), "local-probe-" + target.serverId());
            reader.setDaemon(true);
            reader.start();
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (out.overflowed()) {
                return SshProbe.outputTooLarge(out);
            }
            if (!finished) {
                return ProbeResult.unreachable("TIMEOUT", "The probe command did not finish within " + timeout);
            }
            reader.join(timeout.toMillis());
            return out.overflowed() ? SshProbe.outputTooLarge(out) : ProbeCommand.parse(out.text());
        } catch (IOException e) {
            return ProbeResult.unreachable("READ_FAILED", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ProbeResult.unreachable("INTERRUPTED", "Stopped while probing");
        } finally {
            if (process != null) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }

    /** Reads until the end or the cap; at the cap it closes the pipe, so the command's writers stop (SIGPIPE). */
    private static Runnable copier(InputStream in, BoundedOutput out) {
        return () -> {
            byte[] buffer = new byte[8192];
            try (in) {
                int read;
                while ((read = in.read(buffer)) >= 0 && !out.overflowed()) {
                    out.write(buffer, 0, read);
                }
            } catch (IOException e) {
                // the process was stopped: what was read is judged by the caller
            }
        };
    }
}
