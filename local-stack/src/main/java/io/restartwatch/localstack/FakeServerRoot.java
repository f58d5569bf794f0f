package io.restartwatch.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A directory that looks like an Ubuntu server's root to the probe script: boot id, running and installed
 * kernel, and, when a restart is pending, the sentinel and its package list; optionally the kernel's socket
 * tables ({@code proc/net/tcp}, {@code tcp6}) and fake tools in {@code usr/sbin} printing a real tool's output
 * (needrestart, canonical-livepatch, ufw…), which the probe runs instead of the host's. The demo fleet and the
 * benchmark's SSH targets are made of these.
 */
public final class FakeServerRoot {

    private FakeServerRoot() {
    }

    /**
     * @param pendingDays how long ago the restart became required (the sentinel's mtime); negative for none
     */
    public static Path write(Path root, int pendingDays, List<String> packages) throws IOException {
        Files.createDirectories(root.resolve("var/run"));
        Files.createDirectories(root.resolve("proc/sys/kernel/random"));
        Files.createDirectories(root.resolve("boot"));
        Files.writeString(root.resolve("proc/sys/kernel/random/boot_id"), UUID.randomUUID() + "\n");
        Files.writeString(root.resolve("proc/sys/kernel/osrelease"), "6.8.0-45-generic\n");
        Files.writeString(root.resolve("boot/vmlinuz-6.8.0-45-generic"), "");
        if (pendingDays >= 0) {
            Path sentinel = root.resolve("var/run/reboot-required");
            Files.writeString(sentinel, "*** System restart required ***\n");
            Files.setLastModifiedTime(sentinel, FileTime.from(Instant.now().minus(Duration.ofDays(pendingDays)).minusSeconds(3600)));
            Files.write(root.resolve("var/run/reboot-required.pkgs"), packages);
        }
        return root;
    }

    /**
     * Writes {@code proc/net/tcp} and {@code tcp6} in the kernel's format (Documentation/networking/proc_net_tcp.rst)
     * with a listening socket (state 0A) on {@code 0.0.0.0} and {@code ::} for each port.
     */
    public static void listening(Path root, List<Integer> ports) throws IOException {
        Files.createDirectories(root.resolve("proc/net"));
        StringBuilder tcp = new StringBuilder("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
        StringBuilder tcp6 = new StringBuilder("  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
        for (int i = 0; i < ports.size(); i++) {
            String rest = " 0A 00000000:00000000 00:00000000 00000000     0        0 %d 1 0000000000000000 100 0 0 10 0\n".formatted(10_000 + i);
            tcp.append("%4d: 00000000:%04X 00000000:0000".formatted(i, ports.get(i))).append(rest);
            tcp6.append("%4d: %s:%04X %s:0000".formatted(i, "0".repeat(32), ports.get(i), "0".repeat(32))).append(rest);
        }
        Files.writeString(root.resolve("proc/net/tcp"), tcp);
        Files.writeString(root.resolve("proc/net/tcp6"), tcp6);
    }

    /** A fake tool in {@code usr/sbin} that prints {@code output}, in the real tool's format, and exits 0. */
    public static void tool(Path root, String name, String output) throws IOException {
        Path tool = Files.createDirectories(root.resolve("usr/sbin")).resolve(name);
        Files.writeString(tool, "#!/bin/sh\ncat <<'RESTARTWATCH_FIXTURE'\n" + output + (output.endsWith("\n") ? "" : "\n")
                + "RESTARTWATCH_FIXTURE\n");
        if (!tool.toFile().setExecutable(true)) {
            throw new IOException("cannot make " + tool + " executable");
        }
    }
}
