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

    /** Writes {@code proc/net/<table>} ({@code tcp}, {@code tcp6}, {@code udp}, {@code udp6}) in the kernel's format. */
    public FakeServerRoot procNet(String table, String content) {
        try {
            Files.createDirectories(root.resolve("proc/net"));
            Files.writeString(root.resolve("proc/net/" + table), content);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fake tool in {@code usr/sbin} that prints {@code output} (the real tool's format) and exits with {@code exitCode}. */
    public FakeServerRoot tool(String name, String output, int exitCode) {
        return toolScript(name, "cat <<'RESTARTWATCH_FIXTURE'\n" + output + (output.endsWith("\n") ? "" : "\n")
                + "RESTARTWATCH_FIXTURE\nexit " + exitCode + "\n");
    }

    /** A fake tool in {@code usr/sbin} running {@code body} in /bin/sh (for tools whose output depends on arguments). */
    public FakeServerRoot toolScript(String name, String body) {
        try {
            Path bin = Files.createDirectories(root.resolve("usr/sbin"));
            Path tool = bin.resolve(name);
            Files.writeString(tool, "#!/bin/sh\n" + body);
            tool.toFile().setExecutable(true);
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
