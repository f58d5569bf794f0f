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
 * kernel, and, when a restart is pending, the sentinel and its package list. The demo fleet and the benchmark's
 * SSH targets are made of these.
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
}
