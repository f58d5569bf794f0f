package io.restartwatch.notification.domain;

import java.util.EnumSet;
import java.util.Set;

import io.restartwatch.contracts.NotificationStatus;
import io.restartwatch.contracts.Surface;
import io.restartwatch.notification.persistence.NotificationEntity;

/** Which surfaces a notification is on. */
public final class NotificationViews {

    private NotificationViews() {
    }

    public static Set<Surface> surfaces(NotificationEntity n) {
        if (n.status != NotificationStatus.OPEN) {
            return Set.of();
        }
        Set<Surface> surfaces = EnumSet.of(Surface.SERVER);
        if (n.onDashboard) {
            surfaces.add(Surface.DASHBOARD);
        }
        if (n.onApplication) {
            surfaces.add(Surface.APPLICATION);
        }
        return surfaces;
    }
}
