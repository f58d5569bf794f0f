package io.restartwatch.check.probe;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.KernelVersions;

/**
 * Turns the raw facts gathered on a server (by any probe or the agent) into a {@link ProbeResult}: the
 * sentinel decides, the {@code .pkgs} list says why, and a running kernel older than the newest installed
 * one counts as a pending kernel update even without the sentinel.
 */
public final class ProbeReport {

    /** More packages than any real upgrade restarts for: a longer list is garbage or hostile, and is not stored. */
    public static final int MAX_PACKAGES = 500;
    /** What a probe reads from a server at most: real output is a few KiB even with hundreds of packages. */
    public static final int MAX_OUTPUT_BYTES = 64 * 1024;

    private ProbeReport() {
    }

    public static ProbeResult from(boolean sentinelPresent, Instant sentinelModified, List<String> pkgsLines,
                                   String bootId, String runningKernel, List<String> installedKernels) {
        List<String> packages = packages(pkgsLines);
        if (packages.size() > MAX_PACKAGES) {
            return ProbeResult.unreachable("TOO_MANY_PACKAGES",
                    "The server lists " + packages.size() + " packages needing a restart; the cap is " + MAX_PACKAGES);
        }
        String newestInstalled = KernelVersions.newest(installedKernels);
        boolean kernelPending = runningKernel != null && newestInstalled != null
                && KernelVersions.compare(newestInstalled, runningKernel) > 0;
        if (kernelPending && packages.stream().noneMatch(p -> p.startsWith("linux-image"))) {
            packages = new ArrayList<>(packages);
            packages.add("linux-image-" + newestInstalled);
        }
        boolean required = sentinelPresent || kernelPending;
        return new ProbeResult(required ? CheckOutcome.REBOOT_REQUIRED : CheckOutcome.UP_TO_DATE, null, null,
                required ? packages : List.of(), sentinelPresent ? sentinelModified : null,
                blankToNull(bootId), blankToNull(runningKernel), newestInstalled);
    }

    /** One package per line, duplicates possible (notify-reboot-required appends): trimmed, deduplicated, in order. */
    static List<String> packages(List<String> lines) {
        Set<String> unique = new LinkedHashSet<>();
        for (String line : lines == null ? List.<String>of() : lines) {
            String name = line.trim();
            if (!name.isEmpty() && name.length() <= 200) {
                unique.add(name);
            }
        }
        return List.copyOf(unique);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
