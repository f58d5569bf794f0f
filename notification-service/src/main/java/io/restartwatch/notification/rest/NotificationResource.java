package io.restartwatch.notification.rest;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.hibernate.orm.panache.PanacheQuery;
import io.quarkus.panache.common.Parameters;
import io.quarkus.security.identity.SecurityIdentity;
import io.restartwatch.contracts.NotificationKind;
import io.restartwatch.contracts.NotificationStatus;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.notification.domain.Notifications;
import io.restartwatch.notification.persistence.HistoryEntryEntity;
import io.restartwatch.notification.persistence.NotificationEntity;
import io.restartwatch.support.rest.Ids;
import io.restartwatch.support.rest.ProblemException;
import io.restartwatch.support.security.Actors;
import io.restartwatch.support.security.Roles;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The views people use: a server's page, the dashboard, an application's page, search and timeline. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "notifications", description = "Notifications of pending restarts and unverified servers: list, acknowledge, snooze")
@RolesAllowed(Roles.VIEWER)
public class NotificationResource {

    static final String ID_PATTERN = Ids.ID_PATTERN;
    /** Public servers first, then the highest score, then the oldest. */
    private static final String PRIORITY_ORDER =
            " order by case when exposure = io.restartwatch.contracts.Exposure.PUBLIC then 0 else 1 end, score desc, pendingSince asc, serverId";

    private final Notifications notifications;
    private final Clock clock;
    private final SecurityIdentity identity;

    public NotificationResource(Notifications notifications, Clock clock, SecurityIdentity identity) {
        this.notifications = notifications;
        this.clock = clock;
        this.identity = identity;
    }

    @GET
    @Path("/servers/{serverId}/notification")
    @Operation(summary = "The server's pending reboot, whatever its level (404 when none is pending); every kind: /notifications")
    public NotificationView forServer(@PathParam("serverId") @Pattern(regexp = ID_PATTERN) String serverId) {
        return NotificationEntity.findOpen(serverId, NotificationKind.REBOOT).map(NotificationView::of)
                .orElseThrow(() -> ProblemException.notFound("No pending reboot for server '" + serverId + "'"));
    }

    @GET
    @Path("/servers/{serverId}/notifications")
    @Operation(summary = "The server's open notifications of every kind (reboot, service restart, unverified); empty when none")
    public List<NotificationView> allForServer(@PathParam("serverId") @Pattern(regexp = ID_PATTERN) String serverId,
                                               @QueryParam("kind") List<NotificationKind> kinds) {
        return NotificationEntity.listOpen(serverId).stream()
                .filter(n -> kinds == null || kinds.isEmpty() || kinds.contains(n.kind))
                .map(NotificationView::of).toList();
    }

    @GET
    @Path("/dashboard/notifications")
    @Operation(summary = "Open notifications on the dashboard, public servers and highest priority first; snoozed ones hidden; "
            + "kind (repeatable) filters")
    public Page<NotificationView> dashboard(@QueryParam("kind") List<NotificationKind> kinds,
                                            @QueryParam("page") @DefaultValue("0") @Min(0) int page,
                                            @QueryParam("size") @DefaultValue("50") @Min(1) @Max(500) int size) {
        // Statuses as literals, never parameters: see NotificationEntity (the partial indexes on open notifications).
        Parameters parameters = Parameters.with("now", clock.instant());
        return page(NotificationEntity.find("status = OPEN and onDashboard = true"
                + " and (snoozedUntil is null or snoozedUntil <= :now)" + kindFilter(kinds, parameters) + PRIORITY_ORDER, parameters), page, size);
    }

    @GET
    @Path("/applications/{applicationId}/notifications")
    @Operation(summary = "The application's stale pending restarts and its unverified servers; kind (repeatable) filters")
    public List<NotificationView> forApplication(@PathParam("applicationId") @Pattern(regexp = ID_PATTERN) String applicationId,
                                                 @QueryParam("kind") List<NotificationKind> kinds) {
        Parameters parameters = Parameters.with("app", applicationId);
        return NotificationEntity.<NotificationEntity>find("status = OPEN and onApplication = true and applicationId = :app"
                        + kindFilter(kinds, parameters) + PRIORITY_ORDER, parameters)
                .list().stream().map(NotificationView::of).toList();
    }

    @GET
    @Path("/notifications")
    @Operation(summary = "Search notifications, newest first; kind is repeatable")
    public Page<NotificationView> search(@QueryParam("kind") List<NotificationKind> kinds,
                                         @QueryParam("status") NotificationStatus status,
                                         @QueryParam("level") PriorityLevel level,
                                         @QueryParam("applicationId") @Pattern(regexp = ID_PATTERN) String applicationId,
                                         @QueryParam("since") Instant since,
                                         @QueryParam("page") @DefaultValue("0") @Min(0) int page,
                                         @QueryParam("size") @DefaultValue("50") @Min(1) @Max(500) int size) {
        Parameters parameters = new Parameters();
        StringBuilder query = new StringBuilder("1 = 1").append(kindFilter(kinds, parameters));
        if (status != null) {
            query.append(" and status = ").append(status.name()); // one of the enum's names, as a literal
        }
        if (level != null) {
            query.append(" and level = :level");
            parameters.and("level", level);
        }
        if (applicationId != null) {
            query.append(" and applicationId = :app");
            parameters.and("app", applicationId);
        }
        if (since != null) {
            query.append(" and updatedAt >= :since");
            parameters.and("since", since);
        }
        return page(NotificationEntity.find(query + " order by openedAt desc, id", parameters), page, size);
    }

    @GET
    @Path("/servers/{serverId}/timeline")
    @Operation(summary = "Everything that happened to the server's notifications, newest first")
    public List<TimelineEntry> timeline(@PathParam("serverId") @Pattern(regexp = ID_PATTERN) String serverId,
                                        @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit) {
        return HistoryEntryEntity.timeline(serverId, limit).stream()
                .map(e -> new TimelineEntry(e.kind.name(), e.notificationId.toString(), e.notificationKind,
                        e.level == null ? null : e.level.name(), e.occurredAt, e.actor, e.note))
                .toList();
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/notifications/{id}/acknowledge")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Acknowledge a notification: someone is on it")
    public NotificationView acknowledge(@PathParam("id") UUID id, @NotNull @Valid Acknowledge request) {
        return NotificationView.of(notifications.acknowledge(id, Actors.of(identity), request.note()));
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/notifications/{id}/snooze")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Hide a notification from the dashboard until a time (≤ 30 days) or until it escalates")
    public NotificationView snooze(@PathParam("id") UUID id, @NotNull @Valid Snooze request) {
        return NotificationView.of(notifications.snooze(id, request.until(), Actors.of(identity), request.note()));
    }

    /** {@code kind} given once or more: only those kinds; not given: every kind. */
    private static String kindFilter(List<NotificationKind> kinds, Parameters parameters) {
        if (kinds == null || kinds.isEmpty()) {
            return "";
        }
        parameters.and("kinds", Set.copyOf(kinds));
        return " and kind in :kinds";
    }

    private static Page<NotificationView> page(PanacheQuery<NotificationEntity> query, int page, int size) {
        List<NotificationView> items = query.page(page, size).list().stream().map(NotificationView::of).toList();
        return new Page<>(items, page, size, query.count());
    }

    /** Body of an acknowledgement; who acknowledged is the authenticated caller. */
    public record Acknowledge(@Size(max = 1000) String note) {
    }

    /** Body of a snooze; who snoozed is the authenticated caller. */
    public record Snooze(@NotNull Instant until, @Size(max = 1000) String note) {
    }

    /** One timeline entry; {@code kind} is what happened, {@code notificationKind} what the notification is about. */
    public record TimelineEntry(String kind, String notificationId, NotificationKind notificationKind, String level,
                                Instant at, String actor, String note) {
    }
}
