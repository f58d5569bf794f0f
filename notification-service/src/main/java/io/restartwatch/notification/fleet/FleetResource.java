package io.restartwatch.notification.fleet;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.notification.fleet.FleetQueries.Filter;
import io.restartwatch.notification.fleet.FleetViews.ApplicationDetail;
import io.restartwatch.notification.fleet.FleetViews.Check;
import io.restartwatch.notification.fleet.FleetViews.Freshness;
import io.restartwatch.notification.fleet.FleetViews.OpenNotification;
import io.restartwatch.notification.fleet.FleetViews.PendingRestart;
import io.restartwatch.notification.fleet.FleetViews.Policy;
import io.restartwatch.notification.fleet.FleetViews.ServerDetail;
import io.restartwatch.notification.fleet.FleetViews.ServerSummary;
import io.restartwatch.notification.fleet.FleetViews.TimelineEntry;
import io.restartwatch.notification.persistence.HistoryEntryEntity;
import io.restartwatch.notification.persistence.NotificationEntity;
import io.restartwatch.notification.rest.Page;
import io.restartwatch.support.rest.Ids;
import io.restartwatch.support.rest.ProblemException;
import io.restartwatch.support.security.Roles;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The fleet as the pages show it: every server with its pending restart, exposure and freshness, one server in full,
 * one application. Read from this service's own read model of the other services' topics, never from them.
 */
@Path("/api/fleet")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "fleet", description = "Read models of the fleet behind the pages: servers, applications, their restarts")
@RolesAllowed(Roles.VIEWER)
public class FleetResource {

    static final String ID_PATTERN = Ids.ID_PATTERN;
    /** Servers listed on an application's page; the lists of pending, stale and unverified ones are complete. */
    static final int APPLICATION_SERVERS = 500;
    private static final int TIMELINE = 50;
    private static final int MAX_LABELS = 10;

    private final FleetQueries queries;
    private final FleetSettings settings;

    public FleetResource(FleetQueries queries, FleetSettings settings) {
        this.queries = queries;
        this.settings = settings;
    }

    @GET
    @Path("/servers")
    @Transactional
    @Operation(summary = "Every server, filtered: pending restarts first (highest score first), then unverified servers")
    public Page<ServerSummary> servers(@QueryParam("application") @Pattern(regexp = ID_PATTERN) String application,
                                       @QueryParam("environment") @Size(max = 63) String environment,
                                       @QueryParam("level") PriorityLevel level,
                                       @QueryParam("exposure") Exposure exposure,
                                       @QueryParam("label") List<String> labels,
                                       @QueryParam("verified") String verified,
                                       @QueryParam("q") @Size(max = 253) String q,
                                       @QueryParam("page") @DefaultValue("0") @Min(0) int page,
                                       @QueryParam("size") @DefaultValue("50") @Min(1) @Max(500) int size) {
        Filter filter = new Filter(blankToNull(application), blankToNull(environment), level, exposure, labels(labels),
                bool("verified", verified), blankToNull(q), false);
        return queries.search(filter, page, size);
    }

    @GET
    @Path("/servers/{serverId}")
    @Transactional
    @Operation(summary = "One server: its pending restart and why, exposure facts and their sources, freshness, checks, notifications")
    public ServerDetail server(@PathParam("serverId") @Pattern(regexp = ID_PATTERN) String serverId) {
        FleetServerEntity server = FleetServerEntity.findById(serverId);
        if (server == null || server.removed) {
            throw ProblemException.notFound("No server '" + serverId + "'");
        }
        FleetPriorityEntity priority = FleetPriorityEntity.findById(serverId);
        FleetFreshnessEntity freshness = FleetFreshnessEntity.findById(serverId);
        List<FleetCheckEntity> checks = FleetCheckEntity.history(serverId, settings.checkHistory());
        FleetCheckEntity discoveredBy = checks.stream().filter(c -> c.discovered != null).findFirst().orElse(null);
        boolean assessedFacts = priority != null && priority.exposureFacts != null && !priority.exposureFacts.isEmpty();
        PendingRestart restart = PendingRestart.of(priority);
        return new ServerDetail(ServerSummary.of(server, priority, freshness, checks.isEmpty() ? null : checks.get(0)),
                server.labels, server.openPorts, server.revision, server.changedAt, restart,
                restart == null ? List.of() : priority.factors, priority == null ? null : priority.exposure,
                assessedFacts ? priority.exposureFacts : FleetViews.declared(server.openPorts),
                assessedFacts ? FleetViews.FACTS_FROM_ASSESSMENT : FleetViews.FACTS_FROM_DECLARED,
                discoveredBy == null ? null : discoveredBy.discovered, discoveredBy == null ? null : discoveredBy.checkedAt,
                Freshness.of(freshness, checks.isEmpty() ? null : checks.get(0)), checks.stream().map(Check::of).toList(),
                NotificationEntity.listOpen(serverId).stream().map(OpenNotification::of).toList(),
                HistoryEntryEntity.timeline(serverId, TIMELINE).stream().map(TimelineEntry::of).toList());
    }

    @GET
    @Path("/applications/{applicationId}")
    @Transactional
    @Operation(summary = "One application: its servers, pending, stale and unverified restarts, and its priority policy")
    public ApplicationDetail application(@PathParam("applicationId") @Pattern(regexp = ID_PATTERN) String applicationId) {
        Filter filter = Filter.ofApplication(applicationId);
        Page<ServerSummary> servers = queries.search(filter, 0, APPLICATION_SERVERS);
        FleetPolicyEntity policy = FleetPolicyEntity.findById(applicationId);
        if (servers.total() == 0 && policy == null) {
            throw ProblemException.notFound("No application '" + applicationId + "'");
        }
        List<ServerSummary> pending = queries.search(filter.pending(), 0, Integer.MAX_VALUE / 2).items();
        List<ServerSummary> stale = pending.stream().filter(s -> s.restart().stale()).toList();
        List<ServerSummary> unverified = queries.search(filter.unverified(), 0, Integer.MAX_VALUE / 2).items();
        @SuppressWarnings("unchecked")
        List<String> environments = FleetServerEntity.getEntityManager().createNativeQuery("""
                        select distinct environment from fleet_server where application_id = ?1 and not removed
                        and environment is not null order by environment""")
                .setParameter(1, applicationId).getResultList();
        return new ApplicationDetail(applicationId, environments, (int) servers.total(), servers.items(), pending, stale,
                unverified, Policy.of(policy));
    }

    /** {@code label=key=value}, repeatable; every one must match. */
    private static Map<String, String> labels(List<String> labels) {
        Map<String, String> parsed = new LinkedHashMap<>();
        if (labels == null) {
            return parsed;
        }
        if (labels.size() > MAX_LABELS) {
            throw ProblemException.badRequest("label", "at most " + MAX_LABELS + " labels");
        }
        for (String label : labels) {
            int equals = label == null ? -1 : label.indexOf('=');
            if (equals <= 0 || label.length() > 317) {
                throw ProblemException.badRequest("label", "must be key=value, e.g. label=team=payments");
            }
            parsed.put(label.substring(0, equals), label.substring(equals + 1));
        }
        return parsed;
    }

    private static Boolean bool(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ProblemException.badRequest(field, "must be true or false");
        };
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
