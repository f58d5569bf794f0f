package io.restartwatch.notification.domain;

import java.util.StringJoiner;

import io.restartwatch.notification.persistence.NotificationEntity;

/** The human-readable text of a notification, in the words operators know from Ubuntu's motd. */
final class NotificationMessages {

    static final String HEADLINE = "*** System restart required ***";
    static final String SERVICES_HEADLINE = "Services need a restart: ";

    private NotificationMessages() {
    }

    /** A pending reboot. */
    static String pending(NotificationEntity n) {
        StringJoiner text = new StringJoiner("\n");
        text.add(HEADLINE);
        describePending(n, text);
        if (!n.services.isEmpty()) {
            text.add("Services: " + String.join(", ", n.services));
        }
        return text.toString();
    }

    /** Services to restart, no reboot. */
    static String servicesPending(NotificationEntity n) {
        StringJoiner text = new StringJoiner("\n");
        text.add(SERVICES_HEADLINE + (n.services.isEmpty() ? "(not named)" : String.join(", ", n.services)));
        describePending(n, text);
        return text.toString();
    }

    /** A server Restart Watch cannot vouch for; {@code why} says what weighed on its level. */
    static String unverified(NotificationEntity n, String why) {
        StringJoiner text = new StringJoiner("\n");
        text.add("Restart Watch cannot vouch for " + n.serverId + ": " + n.reason + " since " + n.pendingSince);
        server(n, text);
        text.add("Level: " + n.level + " (" + why + ")");
        if (n.reasonDetail != null && !n.reasonDetail.isBlank()) {
            text.add("Detail: " + n.reasonDetail);
        }
        text.add("Last verified: " + (n.lastVerifiedAt == null ? "never" : n.lastVerifiedAt.toString()));
        if (n.lastAttemptAt != null) {
            text.add("Last attempt: " + n.lastAttemptAt);
        }
        return text.toString();
    }

    /** A restart plan halted because this server did not come back (or its executor failed). */
    static String planHalted(NotificationEntity n) {
        StringJoiner text = new StringJoiner("\n");
        text.add("Restart plan " + n.planId + " halted: " + hostname(n) + " " + haltWhy(n.reason) + " (" + n.reason + ")");
        server(n, text);
        if (n.restartId != null) {
            text.add("Restart: " + n.restartId);
        }
        text.add("Halted at: " + n.pendingSince);
        text.add("Resume or cancel the plan once the server is looked after.");
        return text.toString();
    }

    /** A plan-halted notification ends with the plan's own end, or the restart proven after all. */
    static String planHaltCleared(NotificationEntity n, String how) {
        return "Restart plan " + n.planId + " " + how + ": " + hostname(n) + " no longer holds it up.";
    }

    private static String haltWhy(String reason) {
        return switch (reason == null ? "" : reason) {
            case "NOT_BACK" -> "not back";
            case "HEALTH_CHECK_FAILED" -> "back, but its health check failed";
            case "PRE_HOOK_FAILED" -> "not restarted: its pre-hook failed";
            case "EXECUTOR_FAILED" -> "not restarted: its executor failed";
            default -> "failed";
        };
    }

    private static String hostname(NotificationEntity n) {
        return n.hostname != null ? n.hostname : n.serverId;
    }

    /** The restart (reboot or services) is done. */
    static String cleared(NotificationEntity n) {
        return switch (n.kind) {
            case REBOOT -> "Restart done: " + n.serverId + application(n) + " no longer requires a restart.";
            case SERVICE_RESTART -> "Services restarted: " + n.serverId + application(n) + " no longer has services to restart.";
            case UNVERIFIED -> verifiedAgain(n);
            case PLAN_HALTED -> "Restart plan " + n.planId + " no longer halted on " + hostname(n) + ".";
        };
    }

    /** A pending reboot replaced the services' notification: rebooting restarts every service. */
    static String servicesCoveredByReboot(NotificationEntity n) {
        return "Covered by a reboot: " + n.serverId + application(n) + " needs a reboot, which restarts "
                + (n.services.isEmpty() ? "its services" : String.join(", ", n.services)) + ".";
    }

    /** Only services remain to restart: the reboot is no longer needed. */
    static String rebootNoLongerRequired(NotificationEntity n) {
        return "Reboot no longer required: " + n.serverId + application(n) + " now needs only services restarted.";
    }

    private static String verifiedAgain(NotificationEntity n) {
        return "Verified again: " + n.serverId + application(n) + " was checked successfully"
                + (n.lastVerifiedAt == null ? "" : " at " + n.lastVerifiedAt) + ".";
    }

    private static void describePending(NotificationEntity n, StringJoiner text) {
        server(n, text);
        text.add("Level: " + n.level + " (score " + n.score + (n.exposure != null ? ", " + n.exposure.name().toLowerCase() : "") + ")");
        if (n.pendingSince != null) {
            text.add("Pending since: " + n.pendingSince);
        }
        if (!n.packages.isEmpty()) {
            text.add("Packages: " + String.join(", ", n.packages));
        }
    }

    private static void server(NotificationEntity n, StringJoiner text) {
        text.add("Server: " + n.serverId + (n.hostname != null && !n.hostname.equals(n.serverId) ? " (" + n.hostname + ")" : ""));
        if (n.applicationId != null) {
            text.add("Application: " + n.applicationId + (n.environment != null ? " (" + n.environment + ")" : ""));
        }
    }

    private static String application(NotificationEntity n) {
        return n.applicationId != null ? " (" + n.applicationId + ")" : "";
    }
}
