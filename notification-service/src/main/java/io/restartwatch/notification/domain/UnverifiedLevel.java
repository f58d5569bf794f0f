package io.restartwatch.notification.domain;

import java.util.ArrayList;
import java.util.List;

import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.NotificationKind;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.notification.persistence.AssessmentCursorEntity;
import io.restartwatch.notification.persistence.NotificationEntity;

/**
 * The level of a server Restart Watch cannot vouch for. HIGH when the blindness hides something that matters: a
 * restart known to be pending (nobody can now see it done, or see it grow more urgent) or a server whose last
 * assessed exposure is public (an unpatched process open to the internet is the worst case); MEDIUM otherwise,
 * which still puts every blind spot on the dashboard. Never LOW: not knowing is never the least urgent thing.
 *
 * @param why the reasons, for the notification's text
 */
record UnverifiedLevel(PriorityLevel level, Exposure exposure, String why) {

    /** Reads what it weighs: the server's cursor and its open restart notifications. */
    static UnverifiedLevel of(String serverId) {
        return of(AssessmentCursorEntity.lastExposure(serverId),
                NotificationEntity.findOpen(serverId, NotificationKind.REBOOT).orElse(null),
                NotificationEntity.findOpen(serverId, NotificationKind.SERVICE_RESTART).orElse(null));
    }

    /**
     * @param lastExposure the last exposure assessed for the server (null when never said)
     * @param reboot       its open REBOOT notification, or null
     * @param services     its open SERVICE_RESTART notification, or null
     */
    static UnverifiedLevel of(Exposure lastExposure, NotificationEntity reboot, NotificationEntity services) {
        Exposure exposure = lastExposure;
        List<String> reasons = new ArrayList<>();
        for (NotificationEntity pending : new NotificationEntity[] {reboot, services}) {
            if (pending != null) {
                NotificationKind kind = pending.kind;
                reasons.add((kind == NotificationKind.REBOOT ? "a reboot" : "a service restart") + " is pending (" + pending.level + ")");
                if (exposure == null) {
                    exposure = pending.exposure;
                }
            }
        }
        if (exposure == Exposure.PUBLIC) {
            reasons.add("public");
        }
        return reasons.isEmpty()
                ? new UnverifiedLevel(PriorityLevel.MEDIUM, exposure, "no pending restart known" + (exposure == null ? "" : ", " + exposure.name().toLowerCase()))
                : new UnverifiedLevel(PriorityLevel.HIGH, exposure, String.join(", ", reasons));
    }
}
