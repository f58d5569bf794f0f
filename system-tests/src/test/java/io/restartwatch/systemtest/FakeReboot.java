package io.restartwatch.systemtest;

import java.nio.file.Path;

/**
 * The "reboot command" of an agent server on a fake root: it logs each run (so a test counts reboots), then does to
 * the fake root what a reboot does to a server's — a new boot id, and no reboot-required sentinel or package list.
 */
final class FakeReboot {

    private FakeReboot() {
    }

    /** A shell script for {@code RESTARTWATCH_REBOOT_COMMAND}; paths are quoted for sh. */
    static String script(Path root, Path rebootLog, Path projectRoot) {
        return """
                #!/bin/sh
                set -eu
                date -u +%%Y-%%m-%%dT%%H:%%M:%%SZ >> %2$s
                cat /proc/sys/kernel/random/uuid > %1$s/proc/sys/kernel/random/boot_id
                rm -f %1$s/var/run/reboot-required %1$s/var/run/reboot-required.pkgs
                """.formatted(quoted(root), quoted(rebootLog));
    }

    private static String quoted(Path path) {
        return "'" + path.toString().replace("'", "'\\''") + "'";
    }
}
