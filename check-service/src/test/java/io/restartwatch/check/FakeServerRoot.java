package io.restartwatch.check;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

/** A directory standing for a server's root file system, as the local probe and the agent read it. */
public record FakeServerRoot(Path root) {

    public static FakeServerRoot under(Path baseDir, String serverId) {
        try {
            Path root = baseDir.resolve(serverId);
            Files.createDirectories(root.resolve("var/run"));
            Files.createDirectories(root.resolve("proc/sys/kernel/random"));
            Files.createDirectories(root.resolve("boot"));
            Files.writeString(root.resolve("proc/sys/kernel/random/boot_id"), "boot-" + serverId + "-1\n");
            Files.writeString(root.resolve("proc/sys/kernel/osrelease"), "6.8.0-48-generic\n");
            return new FakeServerRoot(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public FakeServerRoot requireRestart(Instant since, String... packages) {
        try {
            Path sentinel = root.resolve("var/run/reboot-required");
            Files.writeString(sentinel, "*** System restart required ***\n");
            Files.setLastModifiedTime(sentinel, FileTime.from(since));
            Files.write(root.resolve("var/run/reboot-required.pkgs"), List.of(packages));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public FakeServerRoot reboot(String newBootId) {
        try {
            Files.deleteIfExists(root.resolve("var/run/reboot-required"));
            Files.deleteIfExists(root.resolve("var/run/reboot-required.pkgs"));
            Files.writeString(root.resolve("proc/sys/kernel/random/boot_id"), newBootId + "\n");
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
