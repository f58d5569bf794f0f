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
import io.restartwatch.contracts.KernelVersions;
import io.restartwatch.contracts.OpenPort;
import io.restartwatch.contracts.PriorityFactor;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.Surface;

/**
 * The scoring model: every factor is one line of the explanation, and the contributions sum to the score.
 *
 * <pre>
 * pending      +10
 * exposure     public +40 | restricted +20 | internal +0                 (see {@link ExposureClassifier})
 * age          +2 per whole day (24 h) pending since requiredSince, at most +14
 * stale        +15 once pending ≥ staleAfter                             (→ APPLICATION surface)
 * package      each listed package's weight from the policy, and
 * kernel       the linux-image weight when the running kernel is older than the installed one and no
 *              linux-image package is listed; packages and kernel together at most +30
 * criticality  round(subtotal × (multiplier − 1)) when the application's multiplier ≠ 1
 * critical     once pending ≥ criticalAfter, raises the score to 75 internal | 80 restricted | 85 public
 * cap          the score never exceeds 98 internal | 99 restricted | 100 public
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
 * <p>Example: port 443 open to {@code 0.0.0.0/0}, pending 9 days, {@code linux-image-6.8.0-49-generic}, default
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

    private PriorityModel() {
    }

    /**
     * @param requiredSince   the earliest evidence of the pending restart; null counts as pending for no time
     * @param runningKernel   {@code uname -r} from the last check, or null
     * @param installedKernel the newest installed kernel from the last check, or null
     */
    public static Assessment assess(List<OpenPort> openPorts, Instant requiredSince, List<String> packages,
                                    String runningKernel, String installedKernel, Policy policy, Instant now) {
        List<PriorityFactor> factors = new ArrayList<>();
        factors.add(new PriorityFactor("pending", "restart required", BASE));

        Exposure exposure = ExposureClassifier.classify(openPorts);
        factors.add(new PriorityFactor("exposure",
                ExposureClassifier.describe(openPorts, exposure) + " (" + exposure.name().toLowerCase() + ")",
                exposurePoints(exposure)));

        Duration age = requiredSince == null || now.isBefore(requiredSince) ? Duration.ZERO : Duration.between(requiredSince, now);
        long days = age.toDays();
        factors.add(new PriorityFactor("age", "pending " + days + (days == 1 ? " day" : " days")
                + (days > MAX_AGE_DAYS ? " (age points capped at " + MAX_AGE_DAYS + " days)" : ""),
                (int) Math.min(days, MAX_AGE_DAYS) * POINTS_PER_DAY));

        boolean stale = age.compareTo(policy.staleAfter()) >= 0;
        if (stale) {
            factors.add(new PriorityFactor("stale", "pending " + human(age) + " ≥ staleAfter " + human(policy.staleAfter()), STALE));
        }

        int packagePoints = 0;
        for (String name : packages) {
            packagePoints += addPackage(factors, "package", name, policy.weightOf(name), packagePoints);
        }
        boolean kernelListed = packages.stream().anyMatch(p -> p.startsWith(KERNEL_PACKAGE_PREFIX));
        if (!kernelListed && KernelVersions.updatePending(runningKernel, installedKernel)) {
            // The newer kernel only runs after a reboot, whether or not reboot-required.pkgs says so.
            addPackage(factors, "kernel", "running kernel " + runningKernel.trim() + " older than installed " + installedKernel.trim(),
                    policy.weightOf(KERNEL_PACKAGE_PREFIX + "-" + installedKernel.trim()), packagePoints);
        }

        int subtotal = sum(factors);
        if (policy.multiplier() != 1.0) {
            int extra = (int) Math.round(subtotal * (policy.multiplier() - 1.0));
            factors.add(new PriorityFactor("criticality", "application multiplier ×" + policy.multiplier(), extra));
            subtotal += extra;
        }
        boolean critical = age.compareTo(policy.criticalAfter()) >= 0;
        int floor = criticalFloor(exposure);
        if (critical && subtotal < floor) {
            factors.add(new PriorityFactor("critical", "pending " + human(age) + " ≥ criticalAfter " + human(policy.criticalAfter()),
                    floor - subtotal));
            subtotal = floor;
        }
        int cap = cap(exposure);
        if (subtotal > cap) {
            factors.add(new PriorityFactor("cap", "score capped at " + cap + " for " + exposure.name().toLowerCase() + " servers",
                    cap - subtotal));
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
                nextThreshold(requiredSince, days, stale, critical, policy));
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

    /** Adds one package factor within the package cap; returns the points granted. */
    private static int addPackage(List<PriorityFactor> factors, String name, String detail, int weight, int pointsSoFar) {
        if (weight <= 0) {
            return 0;
        }
        int granted = Math.max(0, Math.min(weight, MAX_PACKAGES - pointsSoFar));
        factors.add(new PriorityFactor(name, detail + (granted < weight ? " (package points capped at " + MAX_PACKAGES + ")" : ""), granted));
        return granted;
    }

    /** When age alone will next change the assessment: the next whole day (up to the age cap), staleAfter, criticalAfter. */
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
