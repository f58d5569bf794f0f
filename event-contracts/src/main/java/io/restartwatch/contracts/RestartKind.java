package io.restartwatch.contracts;

/** What a pending restart asks for. */
public enum RestartKind {
    /** The whole server: {@code /var/run/reboot-required}, a newer kernel, needrestart or needs-restarting -r. */
    REBOOT,
    /** Only some services (needrestart, needs-restarting -s): no reboot needed, a lower-level notification. */
    SERVICES
}
