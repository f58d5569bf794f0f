package io.restartwatch.check.probe;

import java.time.Instant;
import java.util.List;

import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.DiscoveredExposure;
import io.restartwatch.contracts.Livepatch;

/**
 * What one probe of a server found.
 *
 * @param reason     machine-readable cause of {@link CheckOutcome#UNREACHABLE} (e.g. {@code TIMEOUT}, {@code HOST_KEY_CHANGED})
 * @param detail     human-readable detail for operators
 * @param services   services to restart without a reboot (needrestart, needs-restarting -s)
 * @param detectedBy what said a reboot is needed: {@code sentinel}, {@code kernel}, {@code needrestart}, {@code needs-restarting}
 * @param livepatch  null when no livepatch tool answered
 * @param discovered null when the check did not see sockets or firewall
 */
public record ProbeResult(CheckOutcome outcome, String reason, String detail, List<String> packages,
                          Instant requiredSince, String bootId, String runningKernel, String installedKernel,
                          List<String> services, List<String> detectedBy, Livepatch livepatch,
                          DiscoveredExposure discovered) {

    public ProbeResult {
        packages = packages == null ? List.of() : List.copyOf(packages);
        services = services == null ? List.of() : List.copyOf(services);
        detectedBy = detectedBy == null ? List.of() : List.copyOf(detectedBy);
    }

    public static ProbeResult unreachable(String reason, String detail) {
        return new ProbeResult(CheckOutcome.UNREACHABLE, reason, detail, List.of(), null, null, null, null,
                List.of(), List.of(), null, null);
    }
}
