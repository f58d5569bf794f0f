package io.restartwatch.check.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.restartwatch.check.config.CheckSettings;
import io.restartwatch.check.persistence.CheckEntity;
import io.restartwatch.check.persistence.CheckFacts;
import io.restartwatch.check.persistence.ServerClaims.Claim;
import io.restartwatch.check.persistence.ServerEntity;
import io.restartwatch.check.probe.ProbeResult;
import io.restartwatch.contracts.CheckCompleted;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.CheckTrigger;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Topics;
import io.restartwatch.support.outbox.Outbox;

/**
 * Keeps a check's result: history row, {@code check.completed} event (outbox, same transaction) and the
 * server's next due time.
 */
@ApplicationScoped
public class CheckRecorder {

    private final Outbox outbox;
    private final Clock clock;
    private final CheckSettings settings;
    private final MeterRegistry metrics;
    private final Freshness freshness;

    public CheckRecorder(Outbox outbox, Clock clock, CheckSettings settings, MeterRegistry metrics, Freshness freshness) {
        this.outbox = outbox;
        this.clock = clock;
        this.settings = settings;
        this.metrics = metrics;
        this.freshness = freshness;
    }

    /** Records the result of a claimed (pulled) check and schedules the next one. */
    @Transactional
    public void recordClaimed(Claim claim, ProbeResult result, Duration took) {
        ServerEntity server = ServerEntity.findById(claim.serverId());
        if (server == null) {
            return; // removed while being checked
        }
        Instant now = clock.instant();
        CheckEntity check = record(server, claim.trigger(), result, now, took, claim.deployId());
        check.checkedBy = claim.owner();
        if (!claim.owner().equals(server.leaseOwner)) {
            return; // the lease expired and another instance owns the schedule now
        }
        server.leaseOwner = null;
        server.leaseUntil = null;
        if (server.recheckRequestedAt != null && server.recheckRequestedAt.isAfter(claim.claimedAt())) {
            server.nextCheckAt = now; // a deploy or operator asked again while this check ran
            return;
        }
        Duration interval = settings.intervalFor(server.applicationId);
        if (result.outcome() == CheckOutcome.UNREACHABLE) {
            server.consecutiveFailures++;
            server.nextCheckAt = now.plus(retryDelay(server.consecutiveFailures, interval));
        } else {
            server.consecutiveFailures = 0;
            server.nextCheckAt = now.plus(jittered(interval));
            server.nextTrigger = CheckTrigger.SCHEDULED;
            // Done for its deploy; an unreachable result keeps it, so the retries count for the deploy too.
            server.deployRecheckId = null;
            server.deployRecheckAt = null;
        }
    }

    /**
     * Records a report an agent pushed. If a deploy marked the server "report due", this report is that recheck
     * (trigger DEPLOY) and clears the mark, in the same transaction.
     */
    @Transactional
    public CheckEntity recordPushed(String serverId, ProbeResult result) {
        ServerEntity server = ServerEntity.findById(serverId);
        String deployId = server.deployRecheckId;
        server.deployRecheckId = null;
        server.deployRecheckAt = null;
        return record(server, deployId != null ? CheckTrigger.DEPLOY : CheckTrigger.AGENT, result, clock.instant(),
                Duration.ZERO, deployId);
    }

    private Duration jittered(Duration interval) {
        long extraMillis = (long) (interval.toMillis() * settings.jitter() * ThreadLocalRandom.current().nextDouble());
        return interval.plusMillis(extraMillis);
    }

    private Duration retryDelay(int failures, Duration interval) {
        Duration delay = settings.retryBackoff().multipliedBy(1L << Math.min(failures - 1, 16));
        return delay.compareTo(interval) > 0 ? interval : delay;
    }

    private CheckEntity record(ServerEntity server, CheckTrigger trigger, ProbeResult result, Instant now, Duration took,
                               String deployId) {
        CheckEntity check = new CheckEntity();
        check.id = UUID.randomUUID();
        check.serverId = server.id;
        check.checkedAt = now;
        check.trigger = trigger;
        check.outcome = result.outcome();
        check.reason = result.reason();
        check.detail = truncate(result.detail(), 500);
        check.packages = new java.util.ArrayList<>(result.packages());
        check.requiredSince = result.requiredSince();
        check.bootId = result.bootId();
        check.runningKernel = result.runningKernel();
        check.installedKernel = result.installedKernel();
        check.durationMs = (int) Math.min(Integer.MAX_VALUE, took.toMillis());
        check.deployId = deployId;
        check.hostFacts = CheckFacts.of(result.services(), result.detectedBy(), result.livepatch(), result.discovered());
        check.persist();
        // Same transaction: a successful check verifies an unverified server (and publishes it) exactly once.
        freshness.checked(server, result.outcome(), result.reason(), check.detail, now);
        Counter.builder("restartwatch.checks").description("Checks recorded, by outcome and what triggered them")
                .tags("outcome", result.outcome().name(), "trigger", trigger.name()).register(metrics).increment();
        outbox.enqueue(Topics.CHECKS, server.id, EventTypes.CHECK_COMPLETED, server.id, new CheckCompleted(
                CheckCompleted.SCHEMA_VERSION, check.id.toString(), server.id, now, trigger, result.outcome(),
                result.reason(), result.packages(), result.requiredSince(), result.bootId(), result.runningKernel(),
                result.installedKernel(), ServerSnapshots.of(server, false), result.services(), result.detectedBy(),
                result.livepatch(), result.discovered()));
        return check;
    }

    /** Cuts {@code value} to the column it goes into. */
    static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
