package io.restartwatch.contracts;

/** CloudEvent {@code type} values, namespaced so a consumer can tell our events from anyone else's. */
public final class EventTypes {

    public static final String SERVER_REGISTERED = "io.restartwatch.server.registered";
    public static final String SERVER_UPDATED = "io.restartwatch.server.updated";
    public static final String SERVER_REMOVED = "io.restartwatch.server.removed";
    public static final String SERVER_UNVERIFIED = "io.restartwatch.server.unverified";
    public static final String SERVER_VERIFIED = "io.restartwatch.server.verified";

    public static final String DEPLOY_COMPLETED = "io.restartwatch.deploy.completed";

    public static final String CHECK_COMPLETED = "io.restartwatch.check.completed";

    public static final String PRIORITY_ASSESSED = "io.restartwatch.priority.assessed";
    public static final String POLICY_CHANGED = "io.restartwatch.policy.changed";

    public static final String NOTIFICATION_OPENED = "io.restartwatch.notification.opened";
    public static final String NOTIFICATION_ESCALATED = "io.restartwatch.notification.escalated";
    public static final String NOTIFICATION_CLEARED = "io.restartwatch.notification.cleared";

    public static final String API_KEY_ISSUED = "io.restartwatch.apikey.issued";
    public static final String API_KEY_REVOKED = "io.restartwatch.apikey.revoked";
    public static final String API_KEY_USED = "io.restartwatch.apikey.used";

    private EventTypes() {
    }
}
