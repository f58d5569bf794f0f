package io.restartwatch.contracts;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Compares kernel release strings like {@code 6.8.0-49-generic} by their numeric parts, as {@code sort -V} does.
 * Releases come from servers and agents, so any string must compare without throwing: digit runs are compared
 * as numbers of any length (leading zeros dropped, then shorter is smaller, then digit by digit).
 *
 * <p>Here, beside {@link CheckCompleted}, because the producer (which kernel is the newest installed) and the
 * consumers (is it newer than the running one) must read {@code runningKernel} and {@code installedKernel} alike.
 */
public final class KernelVersions {

    private KernelVersions() {
    }

    /** The newest of {@code releases}; null when there is none. */
    public static String newest(List<String> releases) {
        if (releases == null) {
            return null;
        }
        return releases.stream().filter(Objects::nonNull).map(String::trim).filter(r -> !r.isEmpty())
                .max(Comparator.comparing(r -> r, KernelVersions::compare)).orElse(null);
    }

    /** True when {@code installed} is newer than {@code running}: a kernel update waits for a reboot. */
    public static boolean updatePending(String running, String installed) {
        if (running == null || installed == null || running.isBlank() || installed.isBlank()) {
            return false;
        }
        return compare(installed.trim(), running.trim()) > 0;
    }

    public static int compare(String a, String b) {
        List<String> left = numbers(a);
        List<String> right = numbers(b);
        for (int i = 0; i < Math.max(left.size(), right.size()); i++) {
            if (i >= left.size()) {
                return -1; // fewer numeric parts: older, as 6.8 < 6.8.0
            }
            if (i >= right.size()) {
                return 1;
            }
            int byNumber = compareNumbers(left.get(i), right.get(i));
            if (byNumber != 0) {
                return byNumber;
            }
        }
        return a.compareTo(b);
    }

    /** The runs of ASCII digits, leading zeros dropped ("0" stays "0"). */
    private static List<String> numbers(String release) {
        List<String> numbers = new ArrayList<>();
        int i = 0;
        while (i < release.length()) {
            if (!isDigit(release.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (i < release.length() && isDigit(release.charAt(i))) {
                i++;
            }
            int significant = start;
            while (significant < i - 1 && release.charAt(significant) == '0') {
                significant++;
            }
            numbers.add(release.substring(significant, i));
        }
        return numbers;
    }

    private static int compareNumbers(String left, String right) {
        if (left.length() != right.length()) {
            return Integer.compare(left.length(), right.length());
        }
        return left.compareTo(right);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
