package io.restartwatch.notification.domain;

import java.util.StringJoiner;

import io.restartwatch.notification.persistence.NotificationEntity;

/** The human-readable text of a notification, in the words operators know from Ubuntu's motd. */
final class NotificationMessages {

    static final String HEADLINE = "*** System restart required ***";

    private NotificationMessages() {
    }

    static String pending(NotificationEntity n) {
        StringJoiner text = new StringJoiner("\n");
        text.add(HEADLINE);
        text.add("Server: " + n.serverId + (n.hostname != null && !n.hostname.equals(n.serverId) ? " (" + n.hostname + ")" : ""));
        if (n.applicationId != null) {
            text.add("Application: " + n.applicationId + (n.environment != null ? " (" + n.environment + ")" : ""));
        }
        text.add("Level: " + n.level + " (score " + n.score + (n.exposure != null ? ", " + n.exposure.name().toLowerCase() : "") + ")");
        if (n.pendingSince != null) {
            text.add("Pending since: " + n.pendingSince);
        }
        if (!n.packages.isEmpty()) {
            text.add("Packages: " + String.join(", ", n.packages));
        }
        return text.toString();
    }

    static String cleared(NotificationEntity n) {
        return "Restart done: " + n.serverId + (n.applicationId != null ? " (" + n.applicationId + ")" : "")
                + " no longer requires a restart.";
    }
}
