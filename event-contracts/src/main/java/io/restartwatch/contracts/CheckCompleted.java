package io.restartwatch.contracts;

import java.time.Instant;
import java.util.List;

/**
 * Data of {@code check.completed} on {@link Topics#CHECKS}.
 *
 * @param reason          why the outcome is {@link CheckOutcome#UNREACHABLE} (e.g. {@code HOST_KEY_CHANGED}); null otherwise
 * @param packages        names listed in {@code /var/run/reboot-required.pkgs}, deduplicated, in order
 * @param requiredSince   mtime of {@code /var/run/reboot-required}: when the need arose; null when not required
 * @param bootId          {@code /proc/sys/kernel/random/boot_id}: a new value proves a reboot happened
 * @param runningKernel   {@code uname -r}
 * @param installedKernel newest installed kernel; newer than the running one means a kernel update waits
 * @param server          the server as it was when checked: consumers need not wait for {@link Topics#SERVERS},
 *                        which travels on another topic and may arrive later
 * @param services        services to restart without a reboot ({@code needrestart -b}, {@code needs-restarting -s}),
 *                        whatever the outcome; empty when none or not known (schema 2)
 * @param detectedBy      what said a reboot is needed: {@code sentinel}, {@code kernel}, {@code needrestart},
 *                        {@code needs-restarting}; empty when none (schema 2)
 * @param livepatch       kernel livepatch state; null when no livepatch tool is on the server (schema 2)
 * @param discovered      listening sockets and host firewall found on the server; null when the check could not
 *                        see them (an older agent, a failed check) (schema 2)
 */
public record CheckCompleted(
        int schemaVersion,
        String checkId,
        String serverId,
        Instant checkedAt,
        CheckTrigger trigger,
        CheckOutcome outcome,
        String reason,
        List<String> packages,
        Instant requiredSince,
        String bootId,
        String runningKernel,
        String installedKernel,
        ServerSnapshot server,
        List<String> services,
        List<String> detectedBy,
        Livepatch livepatch,
        DiscoveredExposure discovered) {

    public static final int SCHEMA_VERSION = 2;

    public CheckCompleted {
        packages = packages == null ? List.of() : List.copyOf(packages);
        services = services == null ? List.of() : List.copyOf(services);
        detectedBy = detectedBy == null ? List.of() : List.copyOf(detectedBy);
    }
}
