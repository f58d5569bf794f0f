package io.restartwatch.check.probe;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the RHEL family's {@code dnf needs-restarting} (dnf-plugins-core, needs-restarting(1)): with
 * {@code -r} it exits 1 when a reboot is required and 0 when not (any other status is an error: unknown), with
 * a short explanation on stdout ("Core libraries or services have been updated since boot-up:", "  * kernel",
 * "Reboot is required to fully utilize these updates."; or "Reboot should not be necessary.", as dnf's own
 * behave tests expect); with {@code -s} it prints the systemd services to restart, one per line. dnf also exits 1
 * for an unknown command (the plugin is missing): only exit 1 together with that explanation is a reboot.
 *
 * @param rebootRequired null when {@code -r} did not run or failed
 */
public record NeedsRestarting(Boolean rebootRequired, List<String> services) {

    public NeedsRestarting {
        services = List.copyOf(services);
    }

    public static NeedsRestarting parse(Integer rebootExitCode, List<String> rebootLines, List<String> serviceLines) {
        boolean explained = rebootLines.stream().anyMatch(l -> l.contains("Reboot is required") || l.startsWith("  * "));
        Boolean reboot = rebootExitCode == null ? null : switch (rebootExitCode) {
            case 0 -> Boolean.FALSE;
            case 1 -> explained ? Boolean.TRUE : null;
            default -> null;
        };
        List<String> services = new ArrayList<>();
        for (String line : serviceLines) {
            String name = line.trim();
            // Unit names only: dnf may print notices ("Updating Subscription Management repositories.") first.
            if (name.matches("[A-Za-z0-9@._:\\\\-]{1,200}") && !name.endsWith(".")) {
                services.add(name);
            }
        }
        return new NeedsRestarting(reboot, services);
    }
}
