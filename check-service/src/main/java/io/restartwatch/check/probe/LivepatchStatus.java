package io.restartwatch.check.probe;

import java.util.List;
import java.util.Locale;

import io.restartwatch.contracts.Livepatch;

/**
 * Kernel livepatch state from the tool's own output.
 * <ul>
 * <li>{@code canonical-livepatch status} (Ubuntu; "How to check the Livepatch client status" in Canonical's
 * Livepatch docs): {@code kernel: 5.4.0-216.236-generic} and {@code patch state: ✓ all applicable livepatch
 * modules inserted} / {@code ✓ no livepatches needed for this kernel yet} / {@code ⧗ …} (being applied) /
 * {@code ✗ …} (failed or no longer available). Older clients and {@code --verbose} print
 * {@code patchState: applied} or {@code nothing-to-apply}, newer ones also {@code fully-patched: true}.</li>
 * <li>{@code kpatch list} (RHEL; kpatch(1)): {@code Loaded patch modules:} then one
 * {@code kpatch_… [enabled]} line per module live in the running kernel, then {@code Installed patch modules:}.</li>
 * </ul>
 * Covered means the running kernel's fixes are applied live.
 */
public final class LivepatchStatus {

    private LivepatchStatus() {
    }

    /** Null when the output says nothing this reader understands. */
    public static Livepatch canonical(List<String> lines) {
        String state = null;
        Boolean fullyPatched = null;
        for (String raw : lines) {
            String line = raw.trim();
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("fully-patched:")) {
                fullyPatched = lower.substring("fully-patched:".length()).trim().equals("true");
            } else if (lower.startsWith("patchstate:") && state == null) {
                state = lower.substring("patchstate:".length()).trim().replace("\"", "");
            } else if (lower.startsWith("patch state:") && state == null) {
                state = humanState(line.substring("patch state:".length()).trim());
            }
        }
        if (state == null && fullyPatched == null) {
            return null;
        }
        boolean covered = fullyPatched != null ? fullyPatched
                : state.equals("applied") || state.equals("nothing-to-apply");
        return new Livepatch("canonical-livepatch", state != null ? state : (covered ? "applied" : "unknown"), covered);
    }

    private static String humanState(String text) {
        if (text.startsWith("✓")) {
            return text.contains("no livepatches needed") ? "nothing-to-apply" : "applied";
        }
        if (text.startsWith("⧗")) {
            return "applying";
        }
        if (text.startsWith("✗")) {
            return text.contains("upgrade") ? "kernel-upgrade-required" : "apply-failed";
        }
        return "unknown";
    }

    public static Livepatch kpatch(List<String> lines) {
        boolean loadedSection = false;
        boolean seenHeader = false;
        int loaded = 0;
        for (String raw : lines) {
            String line = raw.trim();
            if (line.equals("Loaded patch modules:")) {
                loadedSection = true;
                seenHeader = true;
            } else if (line.endsWith("patch modules:")) {
                loadedSection = false;
                seenHeader = true;
            } else if (loadedSection && !line.isEmpty() && !line.contains("[disabled]")) {
                loaded++;
            }
        }
        if (!seenHeader) {
            return null;
        }
        return new Livepatch("kpatch", loaded > 0 ? "loaded" : "none", loaded > 0);
    }
}
