package io.restartwatch.priority.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.ExposureFact;
import io.restartwatch.contracts.KernelVersions;
import io.restartwatch.contracts.Livepatch;
import io.restartwatch.contracts.OpenPort;
import io.restartwatch.contracts.PriorityFactor;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.RestartKind;
import io.restartwatch.contracts.Surface;

/**
 * The scoring model: every factor is one line of the explanation, and the contributions sum to the score.
 *
 * <pre>
 * pending      +10 for a reboot; services +10 for a service restart (no reboot), naming the services
 * exposure     the most exposed fact: public +40 | restricted +20 | internal +0 (see {@link ExposureClassifier}:
 *              declared ports, undeclared listeners, host firewall); undeclared listeners and declared ports
 *              nothing listens on are named as +0 lines when another fact decided
 * age          +2 per whole day (24 h) pending since requiredSince, at most +14
 * stale        +15 once pending ≥ staleAfter                             (→ APPLICATION surface)
 * package      each listed package's weight from the policy, and
 * kernel       the linux-image weight when the running kernel is older than the installed one and no
 *              linux-image package is listed; packages and kernel together at most +30 (reboots only)
 * livepatch    minus half the kernel's points when a livepatch covers the running kernel and the kernel is the
 *              only reason for the reboot
 * criticality  round(subtotal × (multiplier − 1)) when the application's multiplier ≠ 1
 * critical     once pending ≥ criticalAfter, raises a reboot's score to 75 internal | 80 restricted | 85 public
 * cap          a reboot's score never exceeds 98 internal | 99 restricted | 100 public; a service restart's
 *              29 | 28 | 27 for public | restricted | internal (LOW), 49 | 48 | 47 once stale (MEDIUM)
 * level        ≥ 75 CRITICAL, ≥ 50 HIGH, ≥ 30 MEDIUM, else LOW
 * surfaces     SERVER always; DASHBOARD when public or level ≥ HIGH; APPLICATION when stale
 * </pre>
 *
 * <p>Monotonic: more exposure, more age or more weighted packages never lower the score (each step is a
 * non-decreasing function of the one before, and the floor and cap grow with exposure).
 *
 * <p>A public server always outranks an internal one of the same age under the same policy: before the
 * multiplier it has at least 50 + age points against at most 40 + age (packages are capped at 30), a gap of
 * ≥ 10 that stays ≥ 1 point after any multiplier ≥ 0.1; the critical floor and the cap are higher for
 * public servers, so neither can make the two equal.
 *
 * <p>Example: port 443 declared open to {@code 0.0.0.0/0}, pending 9 days, {@code linux-image-6.8.0-49-generic}, default
 * policy: 10 + 40 + 14 (7 days, capped) + 15 (stale) + 20 (kernel package) = 99, CRITICAL, surfaces SERVER,
 * DASHBOARD and APPLICATION.
 */
public final class PriorityModel {

    static final int BASE = 10;
    static final int PUBLIC = 40;
    static final int RESTRICTED = 20;
    static final int POINTS_PER_DAY = 2;
    static final int MAX_AGE_DAYS = 7;
    static final int STALE = 15;
    static final int MAX_PACKAGES = 30;
    static final int CRITICAL = 75;
    static final int HIGH = 50;
    static final int MEDIUM = 30;

    private static final String KERNEL_PACKAGE_PREFIX = "linux-image";
    /** Detectors whose "reboot required" can only be about the kernel on a kernel-only package list. */
    private static final Set<String> KERNEL_DETECTORS = Set.of("sentinel", "kernel");

    private PriorityModel() {
    }

    /** A reboot weighed by declared ports only (no discovered facts): the model as it was before discovery. */
    public static Assessment assess(List<OpenPort> openPorts, Instant requiredSince, List<String> packages,
                                    String runningKernel, String installedKernel, Policy policy, Instant now) {
        return assess(PendingRestart.reboot(requiredSince, packages, runningKernel, installedKernel),
                ExposureClassifier.facts(openPorts, null, UndeclaredExposure.RESTRICTED), policy, now);
    }

    /**
     * @param exposureFacts the server's exposure facts ({@link ExposureClassifier#facts})
     */
    public static Assessment assess(PendingRestart restart, List<ExposureFact> exposureFacts, Policy policy, Instant now) {
        boolean reboot = restart.kind() == RestartKind.REBOOT;
        List<PriorityFactor> factors = new ArrayList<>();
        if (reboot) {
            factors.add(new PriorityFactor("pending", "restart required", BASE));
        } else {
            factors.add(new PriorityFactor("services", "services to restart, no reboot needed: " + String.join(", ", restart.services()), BASE));
        }

        Exposure exposure = ExposureClassifier.overall(exposureFacts);
        ExposureFact decisive = ExposureClassifier.decisive(exposureFacts, exposure);
        String exposureDetail = decisive != null ? ExposureClassifier.describe(decisive)
                : exposureFacts.isEmpty() ? "no open ports registered" : "open to private ranges only";
        factors.add(new PriorityFactor("exposure", exposureDetail + " (" + exposure.name().toLowerCase() + ")", exposurePoints(exposure)));
        for (ExposureFact fact : exposureFacts) {
            // Facts a person should look at (an undeclared listener, a declared port nothing listens on) are named
            // even when another fact decided the exposure; they add nothing of their own.
            if (fact != decisive && !ExposureClassifier.OPEN.equals(fact.status())) {
                factors.add(new PriorityFactor(fact.status(), ExposureClassifier.describe(fact)
                        + " (" + fact.exposure().name().toLowerCase() + ")", 0));
            }
        }

        Instant requiredSince = restart.requiredSince();
        Duration age = requiredSince == null || now.isBefore(requiredSince) ? Duration.ZERO : Duration.between(requiredSince, now);
        long days = age.toDays();
        factors.add(new PriorityFactor("age", "pending " + days + (days == 1 ? " day" : " days")
                + (days > MAX_AGE_DAYS ? " (age points capped at " + MAX_AGE_DAYS + " days)" : ""),
                (int) Math.min(days, MAX_AGE_DAYS) * POINTS_PER_DAY));

        boolean stale = age.compareTo(policy.staleAfter()) >= 0;
        if (stale) {
            factors.add(new PriorityFactor("stale", "pending " + human(age) + " ≥ staleAfter " + human(policy.staleAfter()), STALE));
        }

        if (reboot) {
            addPackagesAndKernel(factors, restart, policy);
        }

        int subtotal = sum(factors);
        if (policy.multiplier() != 1.0) {
            int extra = (int) Math.round(subtotal * (policy.multiplier() - 1.0));
            factors.add(new PriorityFactor("criticality", "application multiplier ×" + policy.multiplier(), extra));
            subtotal += extra;
        }
        boolean critical = reboot && age.compareTo(policy.criticalAfter()) >= 0;
        int floor = criticalFloor(exposure);
        if (critical && subtotal < floor) {
            factors.add(new PriorityFactor("critical", "pending " + human(age) + " ≥ criticalAfter " + human(policy.criticalAfter()),
                    floor - subtotal));
            subtotal = floor;
        }
        int cap = reboot ? cap(exposure) : servicesCap(exposure, stale);
        if (subtotal > cap) {
            factors.add(new PriorityFactor("cap", reboot ? "score capped at " + cap + " for " + exposure.name().toLowerCase() + " servers"
                    : "score capped at " + cap + " for a service restart" + (stale ? " pending ≥ staleAfter" : ""), cap - subtotal));
            subtotal = cap;
        }
        int score = subtotal;
        PriorityLevel level = levelOf(score);

        Set<Surface> surfaces = EnumSet.of(Surface.SERVER);
        if (exposure == Exposure.PUBLIC || level.compareTo(PriorityLevel.HIGH) >= 0) {
            surfaces.add(Surface.DASHBOARD);
        }
        if (stale) {
            surfaces.add(Surface.APPLICATION);
        }
        return new Assessment(level, score, exposure, List.copyOf(factors), Set.copyOf(surfaces), stale,
                nextThreshold(requiredSince, days, stale, critical || !reboot, policy), List.copyOf(exposureFacts));
    }

    /**
     * Package weights, the kernel waiting to run, and livepatch relief. A livepatch that covers the running kernel
     * halves the kernel's points when the kernel is the only reason for the reboot: the live patches carry the
     * security fixes that make a kernel reboot urgent, but not everything the new kernel brings, and they stop once
     * the running kernel leaves the livepatch support window, so the reboot is still owed, only less urgent. Any
     * other reason (libc6, a detector other than the sentinel or the kernel check) keeps the full weight.
     */
    private static void addPackagesAndKernel(List<PriorityFactor> factors, PendingRestart restart, Policy policy) {
        int packagePoints = 0;
        int kernelPoints = 0;
        for (String name : restart.packages()) {
            int granted = addPackage(factors, "package", name, policy.weightOf(name), packagePoints);
            packagePoints += granted;
            kernelPoints += isKernelPackage(name) ? granted : 0;
        }
        boolean kernelListed = restart.packages().stream().anyMatch(p -> p.startsWith(KERNEL_PACKAGE_PREFIX));
        String running = restart.runningKernel();
        String installed = restart.installedKernel();
        if (!kernelListed && KernelVersions.updatePending(running, installed)) {
            // The newer kernel only runs after a reboot, whether or not reboot-required.pkgs says so.
            kernelPoints += addPackage(factors, "kernel", "running kernel " + running.trim() + " older than installed " + installed.trim(),
                    policy.weightOf(KERNEL_PACKAGE_PREFIX + "-" + installed.trim()), packagePoints);
        }
        Livepatch livepatch = restart.livepatch();
        boolean kernelOnly = restart.packages().stream().allMatch(PriorityModel::isKernelPackage)
                && KERNEL_DETECTORS.containsAll(restart.detectedBy());
        if (livepatch != null && livepatch.covered() && kernelOnly && kernelPoints > 0) {
            int relief = kernelPoints - kernelPoints / 2;
            factors.add(new PriorityFactor("livepatch", "kernel fixes applied live by " + livepatch.tool()
                    + (livepatch.state() == null ? "" : " (" + livepatch.state() + ")") + ": kernel weight halved", -relief));
        }
    }

    /** Kernel images and what ships with them: Debian/Ubuntu {@code linux-image-*}, {@code linux-modules-*}; RHEL {@code kernel*}. */
    static boolean isKernelPackage(String name) {
        return name.startsWith(KERNEL_PACKAGE_PREFIX) || name.startsWith("linux-modules") || name.equals("linux-base")
                || name.equals("kernel") || name.startsWith("kernel-");
    }

    public static PriorityLevel levelOf(int score) {
        if (score >= CRITICAL) {
            return PriorityLevel.CRITICAL;
        }
        if (score >= HIGH) {
            return PriorityLevel.HIGH;
        }
        if (score >= MEDIUM) {
            return PriorityLevel.MEDIUM;
        }
        return PriorityLevel.LOW;
    }

    static int exposurePoints(Exposure exposure) {
        return switch (exposure) {
            case PUBLIC -> PUBLIC;
            case RESTRICTED -> RESTRICTED;
            case INTERNAL -> 0;
        };
    }

    /** Where criticalAfter puts the score: CRITICAL for everyone, still public above internal. */
    static int criticalFloor(Exposure exposure) {
        return CRITICAL + exposurePoints(exposure) / 4;
    }

    /** The highest score: 100 for public servers, a little less for others so a cap never ties them. */
    static int cap(Exposure exposure) {
        return switch (exposure) {
            case PUBLIC -> 100;
            case RESTRICTED -> 99;
            case INTERNAL -> 98;
        };
    }

    /**
     * A service restart stays below a reboot's levels: LOW (at most 29), MEDIUM (at most 49) once stale; one point
     * less per exposure step, so the cap never ties a public server with a less exposed one.
     */
    static int servicesCap(Exposure exposure, boolean stale) {
        int top = stale ? HIGH - 1 : MEDIUM - 1;
        return top - (PUBLIC - exposurePoints(exposure)) / RESTRICTED;
    }

    /** Adds one package factor within the package cap; returns the points granted. */
    private static int addPackage(List<PriorityFactor> factors, String name, String detail, int weight, int pointsSoFar) {
        if (weight <= 0) {
            return 0;
        }
        int granted = Math.max(0, Math.min(weight, MAX_PACKAGES - pointsSoFar));
        factors.add(new PriorityFactor(name, detail + (granted < weight ? " (package points capped at " + MAX_PACKAGES + ")" : ""), granted));
        return granted;
    }

    /**
     * When age alone will next change the assessment: the next whole day (up to the age cap), staleAfter,
     * criticalAfter (unless {@code critical} is already reached or cannot matter).
     */
    private static Instant nextThreshold(Instant since, long days, boolean stale, boolean critical, Policy policy) {
        if (since == null) {
            return null;
        }
        return Stream.of(
                        days < MAX_AGE_DAYS ? since.plus(Duration.ofDays(days + 1)) : null,
                        stale ? null : since.plus(policy.staleAfter()),
                        critical ? null : since.plus(policy.criticalAfter()))
                .filter(Objects::nonNull).min(Instant::compareTo).orElse(null);
    }

    private static int sum(List<PriorityFactor> factors) {
        return factors.stream().mapToInt(PriorityFactor::contribution).sum();
    }

    /** "9d", or "36h" / "90m" for durations that are not whole days. */
    static String human(Duration duration) {
        if (duration.toDays() > 0 && duration.toHours() % 24 == 0 && duration.toMinutesPart() == 0) {
            return duration.toDays() + "d";
        }
        if (duration.toDays() > 0) {
            return duration.toDays() + "d " + duration.toHoursPart() + "h";
        }
        return duration.toString().substring(2).toLowerCase();
    }
}
