package io.restartwatch.check.probe;

import java.time.Instant;
import java.util.List;

import io.restartwatch.contracts.CheckOutcome;

/**
 * What one probe of a server found.
 *
 * @param reason machine-readable cause of {@link CheckOutcome#UNREACHABLE} (e.g. {@code TIMEOUT}, {@code HOST_KEY_CHANGED})
 * @param detail human-readable detail for operators
 */
public record ProbeResult(CheckOutcome outcome, String reason, String detail, List<String> packages,
                          Instant requiredSince, String bootId, String runningKernel, String installedKernel) {

    public ProbeResult {
        packages = packages == null ? List.of() : List.copyOf(packages);
    }

    public static ProbeResult unreachable(String reason, String detail) {
        return new ProbeResult(CheckOutcome.UNREACHABLE, reason, detail, List.of(), null, null, null, null);
    }
}
