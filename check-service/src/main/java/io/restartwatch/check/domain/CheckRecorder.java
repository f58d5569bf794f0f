package io.restartwatch.check.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.restartwatch.check.config.CheckSettings;
import io.restartwatch.check.persistence.CheckEntity;
import io.restartwatch.check.persistence.CheckFacts;
import io.restartwatch.check.persistence.ServerClaims.Claim;
import io.restartwatch.check.persistence.ServerSchedules;
import io.restartwatch.support.tx.GroupCommit.Outcome;
import io.restartwatch.check.persistence.ServerEntity;
import io.restartwatch.check.persistence.ServerRows;
import io.restartwatch.check.probe.ProbeResult;
import io.restartwatch.contracts.CheckCompleted;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.CheckTrigger;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Topics;
import io.restartwatch.support.outbox.Outbox;
import io.restartwatch.support.outbox.OutboxMessage;
import io.restartwatch.support.rest.ProblemException;

/**
 * Keeps checks' results, a set at a time: history rows, {@code check.completed} events (outbox, same transaction)
 * and the servers' next due times.
 */
@ApplicationScoped
public class CheckRecorder {

    private final Outbox outbox;
    private final Clock clock;
    private final CheckSettings settings;
    private final MeterRegistry metrics;
    private final Freshness freshness;
    private final ServerSchedules serverSchedules;
    private final EntityManager entityManager;

    public CheckRecorder(Outbox outbox, Clock clock, CheckSettings settings, MeterRegistry metrics, Freshness freshness,
                         ServerSchedules serverSchedules, EntityManager entityManager) {
        this.serverSchedules = serverSchedules;
        this.entityManager = entityManager;
        this.outbox = outbox;
        this.clock = clock;
        this.settings = settings;
        this.metrics = metrics;
        this.freshness = freshness;
    }

    /**
     * Records the results of claimed (pulled) checks and schedules each server's next one, with a constant number of
     * statements whatever their number: the servers read and locked in one query, the checks inserted as one JDBC
     * batch, the schedules updated as one set, the outbox rows in one insert. A server removed while it was checked
     * is skipped; a check whose lease another instance took over is recorded but leaves the schedule to that instance.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void recordClaimedAll(List<Finished> finished) {
        Map<String, ServerEntity> servers = lockServers(finished.stream().map(f -> f.claim().serverId()).toList());
        Instant now = clock.instant();
        List<NewCheck> checks = new ArrayList<>(finished.size());
        List<ServerSchedules.Next> schedules = new ArrayList<>(finished.size());
        for (Finished done : finished) {
            Claim claim = done.claim();
            ServerEntity server = servers.get(claim.serverId());
            if (server == null) {
                continue; // removed while being checked
            }
            CheckEntity check = newCheck(server, claim.trigger(), done.result(), now, done.took(), claim.deployId());
            check.checkedBy = claim.owner();
            checks.add(new NewCheck(server, check, done.result()));
            if (claim.owner().equals(server.leaseOwner)) { // else the lease expired and another instance owns the schedule
                schedules.add(next(server, claim, done.result(), now));
            }
        }
        write(checks);
        serverSchedules.released(schedules);
    }

    /** When the server is due again, as {@link ServerSchedules#released} writes it. */
    private ServerSchedules.Next next(ServerEntity server, Claim claim, ProbeResult result, Instant now) {
        if (server.recheckRequestedAt != null && server.recheckRequestedAt.isAfter(claim.claimedAt())) {
            // a deploy or operator asked again while this check ran
            return new ServerSchedules.Next(server.id, now, server.consecutiveFailures, null, false);
        }
        Duration interval = settings.intervalFor(server.applicationId);
        if (result.outcome() == CheckOutcome.UNREACHABLE) {
            int failures = server.consecutiveFailures + 1;
            return new ServerSchedules.Next(server.id, now.plus(retryDelay(failures, interval)), failures, null, false);
        }
        // Done for its deploy; an unreachable result keeps it, so the retries count for the deploy too.
        return new ServerSchedules.Next(server.id, now.plus(jittered(interval)), 0, CheckTrigger.SCHEDULED, true);
    }

    /**
     * Records reports agents pushed, a group at a time with a constant number of statements. If a deploy marked a
     * server "report due", its first report in the group is that recheck (trigger DEPLOY) and clears the mark, in the
     * same transaction. A report for a server that is gone or not checked by an agent is refused alone (404/409),
     * nothing of it written; the others are recorded.
     *
     * @return one outcome per report, in their order
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<Outcome<CheckEntity>> recordPushedAll(List<Pushed> reports) {
        Map<String, ServerEntity> servers = lockServers(reports.stream().map(Pushed::serverId).toList());
        List<Outcome<CheckEntity>> outcomes = new ArrayList<>(reports.size());
        List<NewCheck> checks = new ArrayList<>(reports.size());
        Set<String> deployDone = new HashSet<>();
        Instant at = null;
        for (Pushed report : reports) {
            ServerEntity server = servers.get(report.serverId());
            try {
                // Again inside the transaction: the server may have been removed or switched to a pull probe since
                // the request was authenticated.
                AgentReports.requireAgentServer(server, report.serverId());
            } catch (ProblemException refused) {
                outcomes.add(Outcome.refused(refused));
                continue;
            }
            String deployId = server.deployRecheckId != null && deployDone.add(server.id) ? server.deployRecheckId : null;
            // Strictly later than the group's previous report: a server's later report is its newer check downstream.
            Instant now = clock.instant();
            at = at == null || now.isAfter(at) ? now : at.plusNanos(1_000);
            CheckEntity check = newCheck(server, deployId != null ? CheckTrigger.DEPLOY : CheckTrigger.AGENT,
                    report.result(), at, Duration.ZERO, deployId);
            checks.add(new NewCheck(server, check, report.result()));
            outcomes.add(Outcome.written(check));
        }
        write(checks);
        serverSchedules.deployRechecksDone(deployDone);
        return outcomes;
    }

    /** The servers, read and locked (in id order, as every writer of these rows locks them) with one query. */
    private Map<String, ServerEntity> lockServers(List<String> ids) {
        Map<String, ServerEntity> servers = new HashMap<>();
        ServerRows.lockAll(entityManager, ids).forEach(server -> servers.put(server.id, server));
        return servers;
    }

    /**
     * The checks' rows in one statement ({@link CheckEntity#insertAll}), then freshness and the outbox: per check its
     * {@code server.verified} if it verified its server again, then its {@code check.completed}, all in one insert in
     * that order.
     */
    private void write(List<NewCheck> checks) {
        if (checks.isEmpty()) {
            return;
        }
        CheckEntity.insertAll(entityManager, checks.stream().map(NewCheck::entity).toList());
        Map<String, OutboxMessage> verified = freshness.checkedAll(checks.stream().map(check -> new Freshness.Checked(
                check.server(), check.result().outcome(), check.result().reason(), check.entity().detail,
                check.entity().checkedAt)).toList());
        List<OutboxMessage> events = new ArrayList<>(checks.size() + verified.size());
        for (NewCheck check : checks) {
            OutboxMessage serverVerified = check.result().outcome() == CheckOutcome.UNREACHABLE ? null
                    : verified.remove(check.server().id);
            if (serverVerified != null) {
                events.add(serverVerified);
            }
            events.add(completed(check));
            Counter.builder("restartwatch.checks").description("Checks recorded, by outcome and what triggered them")
                    .tags("outcome", check.result().outcome().name(), "trigger", check.entity().trigger.name())
                    .register(metrics).increment();
        }
        outbox.enqueueAll(events);
    }

    private Duration jittered(Duration interval) {
        long extraMillis = (long) (interval.toMillis() * settings.jitter() * ThreadLocalRandom.current().nextDouble());
        return interval.plusMillis(extraMillis);
    }

    private Duration retryDelay(int failures, Duration interval) {
        Duration delay = settings.retryBackoff().multipliedBy(1L << Math.min(failures - 1, 16));
        return delay.compareTo(interval) > 0 ? interval : delay;
    }

    private static CheckEntity newCheck(ServerEntity server, CheckTrigger trigger, ProbeResult result, Instant now,
                                        Duration took, String deployId) {
        CheckEntity check = new CheckEntity();
        check.id = UUID.randomUUID();
        check.serverId = server.id;
        check.checkedAt = now;
        check.trigger = trigger;
        check.outcome = result.outcome();
        check.reason = result.reason();
        check.detail = truncate(result.detail(), 500);
        check.packages = new ArrayList<>(result.packages());
        check.requiredSince = result.requiredSince();
        check.bootId = result.bootId();
        check.runningKernel = result.runningKernel();
        check.installedKernel = result.installedKernel();
        check.durationMs = (int) Math.min(Integer.MAX_VALUE, took.toMillis());
        check.deployId = deployId;
        check.hostFacts = CheckFacts.of(result.services(), result.detectedBy(), result.livepatch(), result.discovered());
        return check;
    }

    private static OutboxMessage completed(NewCheck check) {
        ServerEntity server = check.server();
        CheckEntity row = check.entity();
        ProbeResult result = check.result();
        return new OutboxMessage(Topics.CHECKS, server.id, EventTypes.CHECK_COMPLETED, server.id, new CheckCompleted(
                CheckCompleted.SCHEMA_VERSION, row.id.toString(), server.id, row.checkedAt, row.trigger, result.outcome(),
                result.reason(), result.packages(), result.requiredSince(), result.bootId(), result.runningKernel(),
                result.installedKernel(), ServerSnapshots.of(server, false), result.services(), result.detectedBy(),
                result.livepatch(), result.discovered()));
    }

    /** Cuts {@code value} to the column it goes into. */
    static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

    /** A claimed check's result, to be recorded. */
    public record Finished(Claim claim, ProbeResult result, Duration took) {
    }

    /** A report an agent pushed for its server, already authenticated and parsed. */
    public record Pushed(String serverId, ProbeResult result) {
    }

    private record NewCheck(ServerEntity server, CheckEntity entity, ProbeResult result) {
    }
}
