package io.restartwatch.priority.domain;

/**
 * Compares kernel release strings like {@code 6.8.0-49-generic} by their numeric parts, as {@code sort -V} does.
 * This service's own copy: it must not rely on check-service having turned a newer installed kernel into a
 * {@code linux-image-*} package.
 */
public final class KernelVersions {

    private KernelVersions() {
    }

    /** True when {@code installed} is newer than {@code running}: a kernel update waits for a reboot. */
    public static boolean updatePending(String running, String installed) {
        if (running == null || installed == null || running.isBlank() || installed.isBlank()) {
            return false;
        }
        return compare(installed.trim(), running.trim()) > 0;
    }

    static int compare(String a, String b) {
        String[] left = a.split("[^0-9]+");
        String[] right = b.split("[^0-9]+");
        for (int i = 0; i < Math.max(left.length, right.length); i++) {
            long l = part(left, i);
            long r = part(right, i);
            if (l != r) {
                return Long.compare(l, r);
            }
        }
        return a.compareTo(b);
    }

    private static long part(String[] parts, int index) {
        if (index >= parts.length || parts[index].isEmpty()) {
            return -1;
        }
        String digits = parts[index];
        // A run of digits too long for a long is a malformed release; compare it as the largest value.
        return digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
    }
}
