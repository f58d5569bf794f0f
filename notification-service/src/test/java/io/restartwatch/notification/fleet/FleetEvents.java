package io.restartwatch.notification.fleet;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.restartwatch.contracts.CheckCompleted;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.CheckTrigger;
import io.restartwatch.contracts.DiscoveredExposure;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.ExposureFact;
import io.restartwatch.contracts.FirewallFacts;
import io.restartwatch.contracts.ListeningSocket;
import io.restartwatch.contracts.Livepatch;
import io.restartwatch.contracts.OpenPort;
import io.restartwatch.contracts.PolicyChanged;
import io.restartwatch.contracts.PriorityAssessed;
import io.restartwatch.contracts.PriorityFactor;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.RestartKind;
import io.restartwatch.contracts.ServerFreshness;
import io.restartwatch.contracts.ServerSnapshot;
import io.restartwatch.contracts.Surface;
import io.restartwatch.contracts.Topics;
import io.restartwatch.testsupport.KafkaEvents;

/** The events check-service and priority-service would publish about a fleet, built and sent as they send them. */
public final class FleetEvents {

    public static final List<OpenPort> HTTPS_TO_ANYWHERE = List.of(new OpenPort(443, "tcp", List.of("0.0.0.0/0", "::/0")),
            new OpenPort(22, "tcp", List.of("10.0.0.0/8")));

    private final KafkaEvents kafka = KafkaEvents.local();

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }

    public static ServerSnapshot server(String serverId, long revision, String applicationId, String environment,
                                 Map<String, String> labels, List<OpenPort> openPorts, String probeKind) {
        return new ServerSnapshot(ServerSnapshot.SCHEMA_VERSION, serverId, revision, false, serverId + ".example.com",
                applicationId, environment, labels, openPorts, probeKind, now());
    }

    public static ServerSnapshot removed(ServerSnapshot server, long revision) {
        return new ServerSnapshot(ServerSnapshot.SCHEMA_VERSION, server.serverId(), revision, true, server.hostname(),
                server.applicationId(), server.environment(), server.labels(), server.openPorts(), server.probeKind(), now());
    }

    public String publish(ServerSnapshot server) {
        String type = server.removed() ? EventTypes.SERVER_REMOVED : server.revision() == 1 ? EventTypes.SERVER_REGISTERED : EventTypes.SERVER_UPDATED;
        return kafka.publish(Topics.SERVERS, server.serverId(), type, server);
    }

    /** A check that found a reboot required (kernel and libc), as the SSH probe reports it with schema 2 facts. */
    public static CheckCompleted rebootRequired(ServerSnapshot server, Instant checkedAt, CheckTrigger trigger, Duration pendingFor) {
        return new CheckCompleted(CheckCompleted.SCHEMA_VERSION, UUID.randomUUID().toString(), server.serverId(), checkedAt,
                trigger, CheckOutcome.REBOOT_REQUIRED, null, List.of("linux-image-6.8.0-49-generic", "libc6"),
                checkedAt.minus(pendingFor), "3f0c2a4e-5d7b-4a61-9a43-0d1f2b6c8e91", "6.8.0-45-generic", "6.8.0-49-generic",
                server, List.of("nginx.service", "php8.3-fpm.service"), List.of("sentinel", "needrestart"),
                new Livepatch("canonical-livepatch", "applied", false),
                new DiscoveredExposure(List.of(new ListeningSocket("tcp", "0.0.0.0", 443), new ListeningSocket("tcp", "0.0.0.0", 8080),
                        new ListeningSocket("tcp", "127.0.0.1", 5432)),
                        new FirewallFacts("nftables", true, List.of(new OpenPort(443, "tcp", List.of("0.0.0.0/0")),
                                new OpenPort(8080, "tcp", List.of("0.0.0.0/0"))))));
    }

    public static CheckCompleted unreachable(ServerSnapshot server, Instant checkedAt, String reason) {
        return new CheckCompleted(CheckCompleted.SCHEMA_VERSION, UUID.randomUUID().toString(), server.serverId(), checkedAt,
                CheckTrigger.SCHEDULED, CheckOutcome.UNREACHABLE, reason, List.of(), null, null, null, null, server,
                List.of(), List.of(), null, null);
    }

    public static CheckCompleted upToDate(ServerSnapshot server, Instant checkedAt) {
        return new CheckCompleted(CheckCompleted.SCHEMA_VERSION, UUID.randomUUID().toString(), server.serverId(), checkedAt,
                CheckTrigger.SCHEDULED, CheckOutcome.UP_TO_DATE, null, List.of(), null, "9b1e7c55-0a3d-4f0e-8d2c-71a4e5b6c3d2",
                "6.8.0-49-generic", "6.8.0-49-generic", server, List.of(), List.of(), null, null);
    }

    public String publish(CheckCompleted check) {
        return kafka.publish(Topics.CHECKS, check.serverId(), EventTypes.CHECK_COMPLETED, check);
    }

    /** An assessment as priority-service explains it: factors summing to the score, exposure facts with their origin. */
    public static PriorityAssessed pending(ServerSnapshot server, long sequence, PriorityLevel level, int score, Exposure exposure,
                                    Duration pendingFor, Surface... surfaces) {
        Set<Surface> on = EnumSet.of(Surface.SERVER);
        on.addAll(List.of(surfaces));
        Instant now = now();
        List<PriorityFactor> factors = List.of(
                new PriorityFactor("exposure", "declared: port 443/tcp open to 0.0.0.0/0 (public)", score / 2),
                new PriorityFactor("undeclared", "firewall: port 8080/tcp listening, undeclared, accepted from 0.0.0.0/0 (public)", 0),
                new PriorityFactor("age", "pending " + pendingFor.toDays() + " days", score / 4),
                new PriorityFactor("packages", "kernel (linux-image-6.8.0-49-generic), libc6", score - score / 2 - score / 4));
        List<ExposureFact> facts = List.of(
                new ExposureFact(443, "tcp", "declared", "open", List.of("0.0.0.0/0", "::/0"), Exposure.PUBLIC),
                new ExposureFact(8080, "tcp", "firewall", "undeclared", List.of("0.0.0.0/0"), Exposure.PUBLIC),
                new ExposureFact(22, "tcp", "declared", "not-listening", List.of("10.0.0.0/8"), Exposure.INTERNAL));
        return new PriorityAssessed(PriorityAssessed.SCHEMA_VERSION, server.serverId(), sequence, server.applicationId(),
                server.environment(), server.hostname(), true, level, score, exposure, factors, on, now.minus(pendingFor),
                List.of("linux-image-6.8.0-49-generic", "libc6"), now, RestartKind.REBOOT, List.of("nginx.service"),
                new Livepatch("canonical-livepatch", "applied", true), facts);
    }

    public static PriorityAssessed cleared(ServerSnapshot server, long sequence, Exposure exposure) {
        return new PriorityAssessed(PriorityAssessed.SCHEMA_VERSION, server.serverId(), sequence, server.applicationId(),
                server.environment(), server.hostname(), false, null, 0, exposure, List.of(), Set.of(), null, List.of(), now(),
                null, null, null, null);
    }

    public String publish(PriorityAssessed assessment) {
        return kafka.publish(Topics.PRIORITIES, assessment.serverId(), EventTypes.PRIORITY_ASSESSED, assessment);
    }

    public static ServerFreshness unverified(ServerSnapshot server, long sequence, String reason, String detail, Duration silentFor) {
        Instant now = now();
        return new ServerFreshness(ServerFreshness.SCHEMA_VERSION, server.serverId(), sequence, server.hostname(),
                server.applicationId(), server.environment(), false, reason, detail, now.minus(silentFor), now.minusSeconds(300),
                Duration.ofHours(3), now);
    }

    public static ServerFreshness verified(ServerSnapshot server, long sequence) {
        Instant now = now();
        return new ServerFreshness(ServerFreshness.SCHEMA_VERSION, server.serverId(), sequence, server.hostname(),
                server.applicationId(), server.environment(), true, null, null, now, now, Duration.ofHours(3), now);
    }

    public String publish(ServerFreshness freshness) {
        return kafka.publish(Topics.FRESHNESS, freshness.serverId(),
                freshness.verified() ? EventTypes.SERVER_VERIFIED : EventTypes.SERVER_UNVERIFIED, freshness);
    }

    public static PolicyChanged policy(String applicationId, Duration staleAfter, Duration criticalAfter, double multiplier, Instant changedAt) {
        return new PolicyChanged(PolicyChanged.SCHEMA_VERSION, applicationId, false, staleAfter, criticalAfter, multiplier,
                Map.of("linux-image", 30, "libc6", 20, "openssl", 15), changedAt);
    }

    public String publish(PolicyChanged policy) {
        return kafka.publish(Topics.POLICIES, policy.applicationId(), EventTypes.POLICY_CHANGED, policy);
    }

    public KafkaEvents kafka() {
        return kafka;
    }
}
