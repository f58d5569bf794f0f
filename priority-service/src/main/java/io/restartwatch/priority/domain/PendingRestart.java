package io.restartwatch.priority.domain;

import java.time.Instant;
import java.util.List;

import io.restartwatch.contracts.Livepatch;
import io.restartwatch.contracts.RestartKind;

/**
 * What a server must restart, as its checks tell it: the model's input besides exposure and policy.
 *
 * @param requiredSince   the earliest evidence of the pending restart; null counts as pending for no time
 * @param packages        packages that asked for the reboot ({@code reboot-required.pkgs}); empty for services
 * @param services        services to restart without a reboot
 * @param detectedBy      what said a reboot is needed ({@code sentinel}, {@code kernel}, {@code needrestart}, …)
 * @param runningKernel   {@code uname -r} from the last check, or null
 * @param installedKernel the newest installed kernel from the last check, or null
 * @param livepatch       the kernel livepatch state, or null when the server has no livepatch tool
 */
public record PendingRestart(RestartKind kind, Instant requiredSince, List<String> packages, List<String> services,
                             List<String> detectedBy, String runningKernel, String installedKernel, Livepatch livepatch) {

    public PendingRestart {
        kind = kind == null ? RestartKind.REBOOT : kind;
        packages = packages == null ? List.of() : List.copyOf(packages);
        services = services == null ? List.of() : List.copyOf(services);
        detectedBy = detectedBy == null ? List.of() : List.copyOf(detectedBy);
    }

    /** A reboot asked for by these packages, with no services, detector or livepatch known. */
    public static PendingRestart reboot(Instant requiredSince, List<String> packages, String runningKernel, String installedKernel) {
        return new PendingRestart(RestartKind.REBOOT, requiredSince, packages, List.of(), List.of(), runningKernel, installedKernel, null);
    }
}
