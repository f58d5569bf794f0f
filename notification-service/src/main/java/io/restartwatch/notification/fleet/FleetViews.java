package io.restartwatch.notification.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.restartwatch.contracts.DiscoveredExposure;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.ExposureFact;
import io.restartwatch.contracts.Livepatch;
import io.restartwatch.contracts.NotificationKind;
import io.restartwatch.contracts.NotificationStatus;
import io.restartwatch.contracts.OpenPort;
import io.restartwatch.contracts.PriorityFactor;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.RestartKind;
import io.restartwatch.notification.persistence.HistoryEntryEntity;
import io.restartwatch.notification.persistence.NotificationEntity;

/** What the fleet endpoints answer: records built from the read model's rows. */
public final class FleetViews {

    /** Facts as priority-service weighed them (declared, listening, firewall). */
    public static final String FACTS_FROM_ASSESSMENT = "assessment";
    /** No assessment named facts yet: the operator's declared open ports, unweighed. */
    public static final String FACTS_FROM_DECLARED = "declared";

    private FleetViews() {
    }

    /** One row of the fleet list (and of an application's page). */
    public record ServerSummary(String serverId, String hostname, String applicationId, String environment,
                                Map<String, String> labels, String probeKind, Exposure exposure, PendingRestart restart,
                                Freshness freshness, LastCheck lastCheck) {

        static ServerSummary of(FleetServerEntity s, FleetPriorityEntity p, FleetFreshnessEntity f, FleetCheckEntity c) {
            return new ServerSummary(s.serverId, s.hostname, s.applicationId, s.environment, s.labels, s.probeKind,
                    p == null ? null : p.exposure, PendingRestart.of(p), Freshness.of(f, c),
                    c == null ? null : new LastCheck(c.checkedAt, c.outcome, c.reason));
        }
    }

    /** The pending restart; absent when none is pending. */
    public record PendingRestart(PriorityLevel level, int score, RestartKind kind, Instant requiredSince, boolean stale,
                                 List<String> packages, List<String> services, Livepatch livepatch, Instant assessedAt) {

        static PendingRestart of(FleetPriorityEntity p) {
            if (p == null || !p.pending) {
                return null;
            }
            return new PendingRestart(p.level, p.score, p.kind, p.requiredSince, p.stale(), p.packages, p.services, p.livepatch, p.assessedAt);
        }
    }

    /**
     * Whether Restart Watch can vouch for the server; {@code verified} null when no freshness event named it yet.
     */
    public record Freshness(Boolean verified, String reason, String detail, Instant lastVerifiedAt, Instant lastAttemptAt,
                            String maxSilence, Instant since) {

        /** @param last the server's latest check, if any */
        static Freshness of(FleetFreshnessEntity f, FleetCheckEntity last) {
            if (f == null) {
                // No transition yet: check-service vouches for a server whose checks succeed until a silence makes it
                // unverified, which would be an event here. Before any successful check, it is not known yet.
                boolean succeeded = last != null && !"UNREACHABLE".equals(last.outcome);
                return succeeded ? new Freshness(true, null, null, last.checkedAt, last.checkedAt, null, null)
                        : new Freshness(null, null, null, null, null, null, null);
            }
            return new Freshness(f.verified, f.reason, f.detail, f.lastVerifiedAt, f.lastAttemptAt,
                    iso(f.maxSilenceSeconds), f.occurredAt);
        }
    }

    public record LastCheck(Instant checkedAt, String outcome, String reason) {
    }

    /** The server page. */
    public record ServerDetail(ServerSummary server, Map<String, String> labels, List<OpenPort> declaredOpenPorts, long revision,
                               Instant changedAt, PendingRestart restart, List<PriorityFactor> explanation,
                               Exposure exposure, List<ExposureFact> exposureFacts, String exposureFactsFrom,
                               DiscoveredExposure discovered, Instant discoveredAt, Freshness freshness,
                               List<Check> checks, List<OpenNotification> notifications, List<TimelineEntry> timeline) {
    }

    /** One check of the history. */
    public record Check(String checkId, Instant checkedAt, String trigger, String outcome, String reason, List<String> packages,
                        Instant requiredSince, String bootId, String runningKernel, String installedKernel,
                        List<String> services, List<String> detectedBy, Livepatch livepatch, DiscoveredExposure discovered) {

        static Check of(FleetCheckEntity c) {
            return new Check(c.checkId, c.checkedAt, c.trigger, c.outcome, c.reason, c.packages, c.requiredSince, c.bootId,
                    c.runningKernel, c.installedKernel, c.services, c.detectedBy, c.livepatch, c.discovered);
        }
    }

    /** The server's open notification, as the dashboard acts on it. */
    public record OpenNotification(String id, NotificationKind kind, NotificationStatus status, PriorityLevel level, int score,
                                   Instant openedAt, String acknowledgedBy, Instant acknowledgedAt, Instant snoozedUntil,
                                   String message, String reason, List<String> services) {

        static OpenNotification of(NotificationEntity n) {
            return new OpenNotification(n.id.toString(), n.kind, n.status, n.level, n.score, n.openedAt, n.acknowledgedBy,
                    n.acknowledgedAt, n.snoozedUntil, n.message, n.reason, n.services);
        }
    }

    /** One entry of the notification timeline (as {@code GET /api/servers/{id}/timeline}). */
    public record TimelineEntry(String kind, String notificationId, String level, Instant at, String actor, String note) {

        static TimelineEntry of(HistoryEntryEntity e) {
            return new TimelineEntry(e.kind.name(), e.notificationId.toString(), e.level == null ? null : e.level.name(),
                    e.occurredAt, e.actor, e.note);
        }
    }

    /** The application page. */
    public record ApplicationDetail(String applicationId, List<String> environments, int serverCount,
                                    List<ServerSummary> servers, List<ServerSummary> pending, List<ServerSummary> stale,
                                    List<ServerSummary> unverified, Policy policy) {
    }

    /**
     * The application's priority policy; {@code source} is {@code defaults} when it has none of its own. The
     * values are those priority-service published: after a deletion, the defaults it applies again; none when it
     * never published a policy for the application.
     */
    public record Policy(String source, String staleAfter, String criticalAfter, Double multiplier,
                         Map<String, Integer> packageWeights, Instant changedAt) {

        static Policy of(FleetPolicyEntity p) {
            if (p == null) {
                return new Policy("defaults", null, null, null, Map.of(), null);
            }
            return new Policy(p.removed ? "defaults" : "application", iso(p.staleAfterSeconds), iso(p.criticalAfterSeconds),
                    p.multiplier, p.packageWeights, p.changedAt);
        }
    }

    /** A duration as ISO-8601 ({@code PT168H}), as everywhere else in the API. */
    static String iso(Long seconds) {
        return seconds == null ? null : Duration.ofSeconds(seconds).toString();
    }

    /** The declared open ports as facts, when no assessment has named any. */
    static List<ExposureFact> declared(List<OpenPort> openPorts) {
        List<ExposureFact> facts = new ArrayList<>();
        for (OpenPort port : openPorts == null ? List.<OpenPort>of() : openPorts) {
            facts.add(new ExposureFact(port.port(), port.protocol(), "declared", "open", port.sources(),
                    port.openToAnywhere() ? Exposure.PUBLIC : null));
        }
        return facts;
    }
}
