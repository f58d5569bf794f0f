package io.restartwatch.priority.domain;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * How one application wants its pending restarts weighed.
 *
 * @param staleAfter     pending this long makes a restart stale: it escalates and reaches the application page
 * @param criticalAfter  pending this long makes it critical whatever the exposure
 * @param multiplier     the application's criticality, applied to the score before the cap
 * @param packageWeights package name (a trailing {@code *} matches a prefix) to points: the application's own
 *                       weights laid over {@link #DEFAULT_PACKAGE_WEIGHTS}, so setting one package keeps the
 *                       others' defaults (a weight of 0 ignores a package)
 */
public record Policy(Duration staleAfter, Duration criticalAfter, double multiplier, Map<String, Integer> packageWeights) {

    public static final Duration DEFAULT_STALE_AFTER = Duration.ofDays(7);
    public static final Duration DEFAULT_CRITICAL_AFTER = Duration.ofDays(30);

    public static final Map<String, Integer> DEFAULT_PACKAGE_WEIGHTS;

    static {
        Map<String, Integer> weights = new LinkedHashMap<>();
        weights.put("linux-image*", 20);
        weights.put("libc6", 15);
        weights.put("libssl*", 15);
        weights.put("openssl", 15);
        weights.put("openssh-server", 15);
        weights.put("systemd", 10);
        weights.put("dbus", 5);
        DEFAULT_PACKAGE_WEIGHTS = Collections.unmodifiableMap(weights);
    }

    public Policy {
        if (!(multiplier > 0)) {
            throw new IllegalArgumentException("multiplier must be positive: " + multiplier);
        }
        Map<String, Integer> effective = new LinkedHashMap<>(DEFAULT_PACKAGE_WEIGHTS);
        if (packageWeights != null) {
            effective.putAll(packageWeights);
        }
        packageWeights = Collections.unmodifiableMap(new TreeMap<>(effective)); // sorted: a stable order to show
    }

    public static Policy defaults() {
        return new Policy(DEFAULT_STALE_AFTER, DEFAULT_CRITICAL_AFTER, 1.0, DEFAULT_PACKAGE_WEIGHTS);
    }

    /** Points for one package: the most specific matching weight (exact name beats a prefix). */
    public int weightOf(String packageName) {
        Integer exact = packageWeights.get(packageName);
        if (exact != null) {
            return exact;
        }
        int best = 0;
        int bestPrefix = -1;
        for (var entry : packageWeights.entrySet()) {
            String pattern = entry.getKey();
            if (pattern.endsWith("*")) {
                String prefix = pattern.substring(0, pattern.length() - 1);
                if (packageName.startsWith(prefix) && prefix.length() > bestPrefix) {
                    best = entry.getValue();
                    bestPrefix = prefix.length();
                }
            }
        }
        return best;
    }
}
