package io.restartwatch.check.probe;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Reads the restart-required facts from a directory that stands for the server's root file system:
 * {@code <base-dir>/<server id>/var/run/reboot-required} and friends. For checking check-service's own host
 * (base dir {@code /} is not allowed: use a bind mount or symlink) and for the demo fleet.
 */
@ApplicationScoped
public class LocalProbe implements Probe {

    private final Optional<Path> baseDir;
    private final ProbePaths paths;

    public LocalProbe(@ConfigProperty(name = "restartwatch.probe.local.base-dir") Optional<Path> baseDir, ProbePaths paths) {
        this.baseDir = baseDir;
        this.paths = paths;
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
        try {
            Path sentinel = under(root, paths.sentinel());
            boolean present = Files.exists(sentinel);
            Instant modified = present ? Files.getLastModifiedTime(sentinel).toInstant() : null;
            Path pkgs = under(root, paths.packages());
            if (present && Files.exists(pkgs) && Files.size(pkgs) > ProbeReport.MAX_OUTPUT_BYTES) {
                return ProbeResult.unreachable("OUTPUT_TOO_LARGE",
                        pkgs + " is larger than the " + ProbeReport.MAX_OUTPUT_BYTES / 1024 + " KiB a probe reads");
            }
            List<String> packageLines = present && Files.exists(pkgs) ? Files.readAllLines(pkgs) : List.of();
            return ProbeReport.from(present, modified, packageLines, readFirstLine(under(root, paths.bootId())),
                    readFirstLine(under(root, "/proc/sys/kernel/osrelease")), installedKernels(under(root, "/boot")));
        } catch (IOException e) {
            return ProbeResult.unreachable("READ_FAILED", e.toString());
        }
    }

    private static Path under(Path root, String absolute) {
        return root.resolve(absolute.startsWith("/") ? absolute.substring(1) : absolute);
    }

    private static String readFirstLine(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        List<String> lines = Files.readAllLines(file);
        return lines.isEmpty() ? null : lines.get(0).trim();
    }

    private static List<String> installedKernels(Path boot) throws IOException {
        List<String> kernels = new ArrayList<>();
        if (!Files.isDirectory(boot)) {
            return kernels;
        }
        try (DirectoryStream<Path> images = Files.newDirectoryStream(boot, "vmlinuz-*")) {
            for (Path image : images) {
                kernels.add(image.getFileName().toString().substring("vmlinuz-".length()));
            }
        }
        return kernels;
    }
}
