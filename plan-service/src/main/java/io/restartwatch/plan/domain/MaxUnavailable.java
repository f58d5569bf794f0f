package io.restartwatch.plan.domain;

/**
 * How many servers of an application may be restarting at once: a count ({@code "2"}) or a percentage of the
 * application's servers ({@code "25%"}, rounded down, at least 1 so a plan can always make progress), as
 * Kubernetes' {@code maxUnavailable} reads.
 */
public record MaxUnavailable(int value, boolean percent) {

    public static final MaxUnavailable ONE = new MaxUnavailable(1, false);

    public MaxUnavailable {
        if (percent ? value < 1 || value > 100 : value < 1) {
            throw new IllegalArgumentException(percent
                    ? "maxUnavailable must be a percentage from 1% to 100%, not " + value + "%"
                    : "maxUnavailable must be at least 1, not " + value);
        }
    }

    /** Parses {@code "2"} or {@code "25%"}. */
    public static MaxUnavailable parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("maxUnavailable must be a count (\"2\") or a percentage (\"25%\")");
        }
        String trimmed = text.trim();
        boolean percent = trimmed.endsWith("%");
        String digits = percent ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
        if (!digits.matches("[0-9]{1,9}")) {
            throw new IllegalArgumentException("maxUnavailable must be a count (\"2\") or a percentage (\"25%\"), not \"" + text + "\"");
        }
        return new MaxUnavailable(Integer.parseInt(digits), percent);
    }

    /** The limit for an application of {@code servers} servers. */
    public int limitFor(int servers) {
        return percent ? Math.max(1, servers * value / 100) : value;
    }

    @Override
    public String toString() {
        return percent ? value + "%" : Integer.toString(value);
    }
}
