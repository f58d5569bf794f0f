package io.restartwatch.contracts;

/**
 * Kernel livepatch state found on a server ({@code canonical-livepatch status}, {@code kpatch list}).
 *
 * @param tool    {@code canonical-livepatch} or {@code kpatch}
 * @param state   the tool's own word for it, e.g. {@code applied}, {@code nothing-to-apply}, {@code loaded}
 * @param covered true when the running kernel's pending fixes are applied live, so the kernel reboot can wait
 */
public record Livepatch(String tool, String state, boolean covered) {
}
