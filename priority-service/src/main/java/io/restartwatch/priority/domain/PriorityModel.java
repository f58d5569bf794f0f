package io.restartwatch.priority.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.OpenPort;
import io.restartwatch.contracts.PriorityFactor;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.Surface;

/**
 * The scoring model. Monotonic: more exposure, more age or more weighted packages never lower the score.
 *
 * <pre>
 * pending restart                         +10
 * exposure   public +40 | restricted +20 | internal +0
 * age        +2 per whole day pending, at most +14
 * stale      +15 once pending ≥ staleAfter          (→ APPLICATION surface)
 * packages   each weighted package's points, at most +30 in all
 * criticality  (subtotal × (multiplier − 1)), when the application's multiplier ≠ 1
 * critical   raises the score to 75 once pending ≥ criticalAfter
 * cap        the score never exceeds 100
 * level      ≥75 CRITICAL, ≥50 HIGH, ≥30 MEDIUM, else LOW
 * surfaces   SERVER always; DASHBOARD when public or ≥ HIGH; APPLICATION when stale
 * </pre>
 * A public server (≥ 50) always outranks an internal one of the same age (≤ 40 + the same age points).
 */
public final class PriorityModel {

    static final int BASE = 10;
    static final int PUBLIC = 40;
    static final int RESTRICTED = 20;
    static final int POINTS_PER_DAY = 2;
    static final int MAX_AGE_DAYS = 7;
    static final int STALE = 15;
    static final int MAX_PACKAGES = 30;
    static final int CRITICAL_FLOOR = 75;
    static final int MAX_SCORE = 100;

    private PriorityModel() {
    }

    public static Assessment assess(List<OpenPort> openPorts, Instant requiredSince, List<String> packages,
                                    Policy policy, Instant now) {
        List<PriorityFactor> factors = new ArrayList<>();
        factors.add(new PriorityFactor("pending", "restart required", BASE));

        Exposure exposure = ExposureClassifier.classify(openPorts);
        String where = ExposureClassifier.describe(openPorts, exposure);
        factors.add(new PriorityFactor("exposure", where + " (" + exposure.name().toLowerCase() + ")", switch (exposure) {
            case PUBLIC -> PUBLIC;
            case RESTRICTED -> RESTRICTED;
            case INTERNAL -> 0;
        }));

        Duration age = requiredSince == null || now.isBefore(requiredSince) ? Duration.ZERO : Duration.between(requiredSince, now);
        long days = age.toDays();
        factors.add(new PriorityFactor("age", "pending " + days + (days == 1 ? " day" : " days"),
                (int) Math.min(days, MAX_AGE_DAYS) * POINTS_PER_DAY));

        boolean stale = age.compareTo(policy.staleAfter()) >= 0;
        if (stale) {
            factors.add(new PriorityFactor("stale", "pending " + days + " days ≥ staleAfter " + human(policy.staleAfter()), STALE));
        }

        int packagePoints = 0;
        for (String name : packages) {
            int weight = policy.weightOf(name);
            if (weight > 0) {
                int granted = Math.min(weight, MAX_PACKAGES - packagePoints);
                factors.add(new PriorityFactor("package", name + (granted < weight ? " (package points capped at " + MAX_PACKAGES + ")" : ""), granted));
                packagePoints += granted;
            }
        }

        int subtotal = sum(factors);
        if (policy.multiplier() != 1.0) {
            int extra = (int) Math.round(subtotal * (policy.multiplier() - 1.0));
            factors.add(new PriorityFactor("criticality", "application multiplier ×" + policy.multiplier(), extra));
            subtotal += extra;
        }
        boolean critical = age.compareTo(policy.criticalAfter()) >= 0;
        if (critical && subtotal < CRITICAL_FLOOR) {
            factors.add(new PriorityFactor("critical", "pending ≥ criticalAfter " + human(policy.criticalAfter()), CRITICAL_FLOOR - subtotal));
            subtotal = CRITICAL_FLOOR;
        }
        if (subtotal > MAX_SCORE) {
            factors.add(new PriorityFactor("cap", "score capped at " + MAX_SCORE, MAX_SCORE - subtotal));
            subtotal = MAX_SCORE;
        }
        int score = Math.max(0, subtotal);
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
        if (score >= CRITICAL_FLOOR) {
            return PriorityLevel.CRITICAL;
        }
        if (score >= 50) {
            return PriorityLevel.HIGH;
        }
        if (score >= 30) {
            return PriorityLevel.MEDIUM;
        }
        return PriorityLevel.LOW;
    }

    private static Instant nextThreshold(Instant since, long days, boolean stale, boolean critical, Policy policy) {
        if (since == null) {
            return null;
        }
        return Stream.of(
                        days < MAX_AGE_DAYS ? since.plus(Duration.ofDays(days + 1)) : null,
                        stale ? null : since.plus(policy.staleAfter()),
                        critical ? null : since.plus(policy.criticalAfter()))
                .filter(java.util.Objects::nonNull).min(Instant::compareTo).orElse(null);
    }

    private static int sum(List<PriorityFactor> factors) {
        return factors.stream().mapToInt(PriorityFactor::contribution).sum();
    }

    private static String human(Duration duration) {
        if (duration.toHours() % 24 == 0 && duration.toDays() > 0) {
            return duration.toDays() + "d";
        }
        return duration.toString().substring(2).toLowerCase();
    }
}
