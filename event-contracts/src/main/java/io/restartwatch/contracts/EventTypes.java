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

    public static final String RESTART_SCHEDULED = "io.restartwatch.restart.scheduled";
    public static final String RESTART_STARTED = "io.restartwatch.restart.started";
    public static final String RESTART_VERIFIED = "io.restartwatch.restart.verified";
    public static final String RESTART_FAILED = "io.restartwatch.restart.failed";
    public static final String RESTART_CANCELLED = "io.restartwatch.restart.cancelled";

    public static final String PLAN_APPROVED = "io.restartwatch.plan.approved";
    public static final String PLAN_PAUSED = "io.restartwatch.plan.paused";
    public static final String PLAN_RESUMED = "io.restartwatch.plan.resumed";
    public static final String PLAN_HALTED = "io.restartwatch.plan.halted";
    public static final String PLAN_COMPLETED = "io.restartwatch.plan.completed";
    public static final String PLAN_CANCELLED = "io.restartwatch.plan.cancelled";

    public static final String NOTIFICATION_OPENED = "io.restartwatch.notification.opened";
    public static final String NOTIFICATION_ESCALATED = "io.restartwatch.notification.escalated";
    public static final String NOTIFICATION_CLEARED = "io.restartwatch.notification.cleared";

    public static final String API_KEY_ISSUED = "io.restartwatch.apikey.issued";
    public static final String API_KEY_REVOKED = "io.restartwatch.apikey.revoked";
    public static final String API_KEY_USED = "io.restartwatch.apikey.used";

    private EventTypes() {
    }
}
