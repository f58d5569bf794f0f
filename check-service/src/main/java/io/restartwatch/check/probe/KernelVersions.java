package io.restartwatch.check.probe;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** Compares kernel release strings like {@code 6.8.0-49-generic} by their numeric parts, as {@code sort -V} does. */
final class KernelVersions {

    private KernelVersions() {
    }

    static String newest(List<String> releases) {
        if (releases == null) {
            return null;
        }
        return releases.stream().filter(Objects::nonNull).map(String::trim).filter(r -> !r.isEmpty())
                .max(Comparator.comparing(r -> r, KernelVersions::compare)).orElse(null);
    }

    static int compare(String a, String b) {
        String[] left = a.split("[^0-9]+");
        String[] right = b.split("[^0-9]+");
        for (int i = 0; i < Math.max(left.length, right.length); i++) {
            long l = i < left.length && !left[i].isEmpty() ? Long.parseLong(left[i]) : -1;
            long r = i < right.length && !right[i].isEmpty() ? Long.parseLong(right[i]) : -1;
            if (l != r) {
                return Long.compare(l, r);
            }
        }
        return a.compareTo(b);
    }
}
