package io.restartwatch.check.probe;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.DiscoveredExposure;
import io.restartwatch.contracts.FirewallFacts;
import io.restartwatch.contracts.KernelVersions;
import io.restartwatch.contracts.ListeningSocket;

/**
 * Turns the raw facts gathered on a server (by any probe or the agent) into a {@link ProbeResult}. A reboot is
 * needed when the sentinel is present, the running kernel is older than the newest installed one, needrestart
 * reports a pending kernel upgrade (KSTA 2 or 3) or needs-restarting -r says so; {@code detectedBy} names which.
 * The {@code .pkgs} list says why; services to restart, livepatch state and discovered exposure ride along.
 * Oversized or garbage facts fail the whole check ({@link MalformedOutputException}): nothing is kept half.
 */
public final class ProbeReport {

    /** More packages than any real upgrade restarts for: a longer list is garbage or hostile, and is not stored. */
    public static final int MAX_PACKAGES = 500;
    /** As many services as packages: more is garbage or hostile. */
    public static final int MAX_SERVICES = 500;
    /**
     * What a probe reads from a server at most. The restart facts are a few KiB even with hundreds of packages;
     * the socket list (up to {@link DiscoveredExposure#MAX_SOCKETS} lines of at most 50 bytes, ~200 KiB) and the
     * firewall ({@link #MAX_FIREWALL_BYTES}) need more room. 1 MiB per probe, 32 probes at once: 32 MiB at worst.
     */
    public static final int MAX_OUTPUT_BYTES = 1024 * 1024;
    /**
     * The firewall's raw output at most: firewalld's nftables JSON is ~100–200 KiB, a Docker host's
     * iptables-save tens of KiB; a rule list of a megabyte is not read (the check fails, FIREWALL_TOO_LARGE).
     */
    public static final int MAX_FIREWALL_BYTES = 512 * 1024;

    private ProbeReport() {
    }

    public static ProbeResult from(boolean sentinelPresent, Instant sentinelModified, List<String> pkgsLines,
                                   String bootId, String runningKernel, List<String> installedKernels) {
        return from(sentinelPresent, sentinelModified, pkgsLines, bootId, runningKernel, installedKernels, HostFacts.NONE);
    }

    public static ProbeResult from(boolean sentinelPresent, Instant sentinelModified, List<String> pkgsLines,
                                   String bootId, String runningKernel, List<String> installedKernels, HostFacts facts) {
        List<String> packages = packages(pkgsLines);
        if (packages.size() > MAX_PACKAGES) {
            return ProbeResult.unreachable("TOO_MANY_PACKAGES",
                    "The server lists " + packages.size() + " packages needing a restart; the cap is " + MAX_PACKAGES);
        }
        List<String> services = new ArrayList<>();
        if (facts.needrestart() != null) {
            services.addAll(facts.needrestart().services());
        }
        if (facts.needsRestarting() != null) {
            services.addAll(facts.needsRestarting().services());
        }
        services = packages(services);
        if (services.size() > MAX_SERVICES) {
            return ProbeResult.unreachable("TOO_MANY_SERVICES",
                    "The server lists " + services.size() + " services to restart; the cap is " + MAX_SERVICES);
        }
        DiscoveredExposure discovered;
        try {
            discovered = discovered(facts);
        } catch (MalformedOutputException e) {
            return ProbeResult.unreachable(e.reason(), e.getMessage());
        }
        String newestInstalled = KernelVersions.newest(installedKernels);
        boolean kernelPending = runningKernel != null && newestInstalled != null
                && KernelVersions.compare(newestInstalled, runningKernel) > 0;
        if (kernelPending && packages.stream().noneMatch(p -> p.startsWith("linux-image"))) {
            packages = new ArrayList<>(packages);
            packages.add("linux-image-" + newestInstalled);
        }
        List<String> detectedBy = new ArrayList<>();
        if (sentinelPresent) {
            detectedBy.add("sentinel");
        }
        if (kernelPending) {
            detectedBy.add("kernel");
        }
        if (facts.needrestart() != null && facts.needrestart().rebootNeeded()) {
            detectedBy.add("needrestart");
        }
        if (facts.needsRestarting() != null && Boolean.TRUE.equals(facts.needsRestarting().rebootRequired())) {
            detectedBy.add("needs-restarting");
        }
        boolean required = !detectedBy.isEmpty();
        return new ProbeResult(required ? CheckOutcome.REBOOT_REQUIRED : CheckOutcome.UP_TO_DATE, null, null,
                required ? packages : List.of(), sentinelPresent ? sentinelModified : null,
                blankToNull(bootId), blankToNull(runningKernel), newestInstalled,
                services, detectedBy, facts.livepatch(), discovered);
    }

    private static DiscoveredExposure discovered(HostFacts facts) {
        if (facts.listening() == null && facts.firewall() == null) {
            return null;
        }
        List<ListeningSocket> listening = facts.listening() == null ? List.of() : ProcNetListeners.capped(facts.listening());
        FirewallFacts firewall = facts.firewall() == null ? null : facts.firewall().facts(listening);
        return new DiscoveredExposure(listening, firewall);
    }

    /** One name per line, duplicates possible (notify-reboot-required appends): trimmed, deduplicated, in order. */
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
