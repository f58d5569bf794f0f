package io.restartwatch.priority.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.restartwatch.contracts.CheckCompleted;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.ExposureFact;
import io.restartwatch.contracts.KernelVersions;
import io.restartwatch.contracts.PriorityAssessed;
import io.restartwatch.contracts.RestartKind;
import io.restartwatch.contracts.ServerSnapshot;
import io.restartwatch.contracts.Topics;
import io.restartwatch.priority.config.PrioritySettings;
import io.restartwatch.priority.persistence.ApplicationPolicyEntity;
import io.restartwatch.priority.persistence.RestartStateEntity;
import io.restartwatch.priority.persistence.ServerProfileEntity;
import io.restartwatch.priority.persistence.ServerStateRows;
import io.restartwatch.support.messaging.BatchApplier;
import io.restartwatch.support.messaging.ProcessedEvents;
import io.restartwatch.support.tx.KeyLocks;
import io.restartwatch.support.outbox.Outbox;
import io.restartwatch.support.outbox.OutboxMessage;

/**
 * Keeps each server's restart state from its checks and inventory, and publishes {@code priority.assessed}
 * whenever the assessment changes in a way a person cares about: level, score band, surfaces, exposure and its
 * facts, packages, services, livepatch, or the restart being done. A check with services to restart but no reboot
 * required is a pending service restart ({@link RestartKind#SERVICES}).
 */
@ApplicationScoped
public class Assessor {

    private static final String CHECKS_CONSUMER = "checks";
    private static final String SERVERS_CONSUMER = "servers";
    /** Check times this close are told apart by the consumed-id log, not by the state (see {@link #appliedBefore}). */
    private static final Duration SAME_INSTANT = Duration.ofNanos(1_000);

    private final Outbox outbox;
    private final ProcessedEvents processed;
    private final Clock clock;
    private final EntityManager entityManager;
    private final PrioritySettings settings;

    public Assessor(Outbox outbox, ProcessedEvents processed, Clock clock, EntityManager entityManager, PrioritySettings settings) {
        this.outbox = outbox;
        this.processed = processed;
        this.clock = clock;
        this.entityManager = entityManager;
        this.settings = settings;
    }

    /** Applies a server snapshot; an exposure change or removal re-assesses at once. Older revisions are ignored. */
    @Transactional
    public void onServer(String eventId, ServerSnapshot snapshot) {
        if (!processed.firstDelivery(SERVERS_CONSUMER, eventId)) {
            return;
        }
        lockServers(List.of(snapshot.serverId()));
        ServerProfileEntity profile = ServerProfileEntity.findById(snapshot.serverId());
        if (profile != null && profile.revision >= snapshot.revision()) {
            return; // a replay, an older snapshot arriving late, or one a check already carried
        }
        if (profile == null) {
            profile = newProfile(snapshot.serverId());
            applySnapshot(profile, snapshot);
            profile.persist();
        } else {
            applySnapshot(profile, snapshot);
        }
        RestartStateEntity state = RestartStateEntity.findById(snapshot.serverId());
        if (state != null) {
            if (snapshot.removed()) {
                state.pending = false; // a removed server has nothing left to restart
            }
            List<OutboxMessage> published = new ArrayList<>(1);
            assessAndPublish(state, profile, ApplicationPolicyEntity::policyFor, published);
            outbox.enqueueAll(published);
        }
    }

    /**
     * Applies a polled batch of check results (in server-id order, each server's checks in their topic order) with
     * a constant number of round trips: one de-duplication insert, one lock statement, one read each of the
     * servers' states, profiles and policies, one upsert each of the states and profiles, one outbox insert.
     * Applying a batch gives exactly what applying its checks one by one would.
     *
     * <p>Duplicates (an already-applied check id) and checks older than the newest applied one change nothing;
     * {@code UNREACHABLE} keeps the last known state. The server's state alone recognises a redelivery (see
     * {@link #appliedBefore}): the consumed-id log is written only for checks it cannot tell apart.
     *
     * <p>A boot id different from the one last seen proves a reboot happened after the last check on the old
     * boot, hence after the pending restart's {@code requiredSince}: that restart is done and its assessment is
     * cleared. If this check still finds a restart required, it is a new one with its own {@code requiredSince},
     * unless the evidence predates the reboot (see {@link #survivedReboot}): then the reboot did not satisfy it
     * and the same pending restart continues, keeping its age.
     */
    @Transactional
    public void onChecks(List<CheckCompleted> checks) {
        // A check id twice in one batch applies once. UNREACHABLE says nothing about the restart.
        List<CheckCompleted> candidates = BatchApplier.firstOccurrences(checks, CheckCompleted::checkId).stream()
                .filter(check -> check.outcome() != CheckOutcome.UNREACHABLE)
                .toList();
        if (candidates.isEmpty()) {
            return;
        }
        List<String> serverIds = candidates.stream().map(CheckCompleted::serverId).distinct().sorted().toList();
        lockServers(serverIds);
        // Read by plain SQL, unmanaged: the rows are written below by one statement each.
        Batch batch = new Batch(byId(ServerStateRows.states(entityManager, serverIds), state -> state.serverId),
                byId(ServerStateRows.profiles(entityManager, serverIds), profile -> profile.serverId));
        Set<String> appliedBefore = appliedBefore(candidates, batch.states);
        List<CheckCompleted> toApply = candidates.stream().filter(check -> !appliedBefore.contains(check.checkId())).toList();
        Map<String, Policy> policies = policiesOf(Stream.concat(batch.profiles.values().stream().map(profile -> profile.applicationId),
                toApply.stream().filter(check -> check.server() != null).map(check -> check.server().applicationId())));
        for (CheckCompleted check : toApply) {
            applyCheck(check, batch, applicationId -> applicationId == null ? Policy.defaults()
                    : policies.computeIfAbsent(applicationId, ApplicationPolicyEntity::policyFor));
        }
        // Each statement runs now, not at commit, so a row the database refuses fails this call with its own reason
        // (the dead letter says why), not the commit with a bare rollback.
        RestartStateEntity.upsertAll(entityManager, batch.changedStates.values());
        ServerProfileEntity.upsertAll(entityManager, batch.changedProfiles.values());
        outbox.enqueueAll(batch.published);
    }

    /** The state of the batch's servers while it is applied, and what it publishes. */
    private static final class Batch {
        final Map<String, RestartStateEntity> states;
        final Map<String, ServerProfileEntity> profiles;
        /** The rows the batch creates or changes, by server: each is written once, as the batch leaves it. */
        final Map<String, RestartStateEntity> changedStates = new TreeMap<>();
        final Map<String, ServerProfileEntity> changedProfiles = new TreeMap<>();
        final List<OutboxMessage> published = new ArrayList<>();

        Batch(Map<String, RestartStateEntity> states, Map<String, ServerProfileEntity> profiles) {
            this.states = states;
            this.profiles = profiles;
        }
    }

    /**
     * The batch's checks that were already applied although the servers' states alone would let them through.
     *
     * <p>Every applied check is at most as new as its server's {@code lastCheckAt}, and {@link #applyCheck} skips a
     * check older than that or with the {@code lastCheckId}. So a redelivered check gets through only when another
     * check of the same server has (nearly) the same time: two checks within {@link #SAME_INSTANT} of each other
     * (agents report whole seconds; the database keeps microseconds of the event's nanoseconds). Only those checks,
     * and the state's own last check when it is one of them, go through the consumed-id log, in one statement: a
     * regular check, newer than anything applied, writes no log row.
     */
    private Set<String> appliedBefore(List<CheckCompleted> checks, Map<String, RestartStateEntity> states) {
        Map<String, List<Map.Entry<Instant, String>>> timesByServer = new HashMap<>();
        states.values().stream()
                .filter(state -> state.lastCheckAt != null && state.lastCheckId != null)
                .forEach(state -> timesByServer.computeIfAbsent(state.serverId, id -> new ArrayList<>())
                        .add(Map.entry(state.lastCheckAt, state.lastCheckId)));
        checks.forEach(check -> timesByServer.computeIfAbsent(check.serverId(), id -> new ArrayList<>())
                .add(Map.entry(check.checkedAt(), check.checkId())));
        Set<String> sameInstant = new HashSet<>();
        for (List<Map.Entry<Instant, String>> times : timesByServer.values()) {
            times.sort(Map.Entry.comparingByKey());
            for (int i = 1; i < times.size(); i++) {
                Map.Entry<Instant, String> before = times.get(i - 1);
                Map.Entry<Instant, String> after = times.get(i);
                if (!before.getValue().equals(after.getValue())
                        && !after.getKey().isAfter(before.getKey().plus(SAME_INSTANT))) {
                    sameInstant.add(before.getValue());
                    sameInstant.add(after.getValue());
                }
            }
        }
        if (sameInstant.isEmpty()) {
            return Set.of();
        }
        // A state's last check is applied, whatever the log says: it is logged now so that a later check beside it
        // finds both in the log.
        Set<String> applied = new HashSet<>(sameInstant);
        applied.removeAll(processed.firstDeliveries(CHECKS_CONSUMER, sameInstant));
        states.values().stream().map(state -> state.lastCheckId).filter(sameInstant::contains).forEach(applied::add);
        return applied;
    }

    private static <T> Map<String, T> byId(List<T> entities, Function<T, String> id) {
        Map<String, T> byId = new HashMap<>();
        entities.forEach(entity -> byId.put(id.apply(entity), entity));
        return byId;
    }

    /** The policies of the given applications in one query; an application without one gets the defaults. */
    private static Map<String, Policy> policiesOf(Stream<String> applicationIds) {
        List<String> ids = applicationIds.filter(Objects::nonNull).distinct().toList();
        Map<String, Policy> policies = new HashMap<>();
        ids.forEach(id -> policies.put(id, Policy.defaults()));
        if (!ids.isEmpty()) {
            ApplicationPolicyEntity.<ApplicationPolicyEntity>list("applicationId in ?1", ids)
                    .forEach(policy -> policies.put(policy.applicationId, policy.toPolicy()));
        }
        return policies;
    }

    private void applyCheck(CheckCompleted check, Batch batch, Function<String, Policy> policies) {
        RestartStateEntity state = batch.states.get(check.serverId());
        if (state == null) {
            state = new RestartStateEntity();
            state.serverId = check.serverId();
            batch.states.put(state.serverId, state);
        } else if (state.lastCheckAt != null && check.checkedAt().isBefore(state.lastCheckAt)) {
            return; // reordered: a newer check was already applied
        } else if (check.checkId().equals(state.lastCheckId)) {
            return; // the newest check applied, delivered again
        }
        batch.changedStates.put(state.serverId, state);
        ServerProfileEntity profile = batch.profiles.get(check.serverId());
        if (check.server() != null && (profile == null || profile.revision < check.server().revision())) {
            if (profile == null) {
                profile = newProfile(check.serverId());
                batch.profiles.put(profile.serverId, profile);
            }
            applySnapshot(profile, check.server());
            batch.changedProfiles.put(profile.serverId, profile);
        }
        boolean rebooted = state.bootId != null && check.bootId() != null && !state.bootId.equals(check.bootId());
        RestartKind kind = check.outcome() == CheckOutcome.REBOOT_REQUIRED ? RestartKind.REBOOT
                : check.services().isEmpty() ? null : RestartKind.SERVICES;
        if (kind == null) {
            state.pending = false;
        } else {
            Instant evidence = kind == RestartKind.REBOOT && check.requiredSince() != null ? check.requiredSince() : check.checkedAt();
            // The same restart goes on unless a reboot did it (services always restart with the machine) or it
            // turned into the other kind (a reboot supersedes services; a done reboot leaves only services).
            boolean continues = state.pending && kindOf(state) == kind
                    && !(rebooted && (kind == RestartKind.SERVICES || !survivedReboot(state, check)));
            if (state.pending && !continues) {
                state.pending = false;
                assessAndPublish(state, profile, policies, batch.published); // the cleared assessment of the restart done or replaced
            }
            if (continues && state.requiredSince != null) {
                state.requiredSince = evidence.isBefore(state.requiredSince) ? evidence : state.requiredSince;
            } else {
                state.requiredSince = evidence;
            }
            state.pending = true;
            state.kind = kind;
            state.packages = kind == RestartKind.REBOOT ? new ArrayList<>(check.packages()) : new ArrayList<>();
        }
        state.services = new ArrayList<>(check.services());
        state.detectedBy = new ArrayList<>(check.detectedBy());
        state.livepatch = check.livepatch();
        if (check.discovered() != null) {
            // A check that could not see sockets and firewall (an older agent) must not erase what we know.
            state.discovered = check.discovered();
            state.discoveredAt = check.checkedAt();
        }
        state.lastCheckId = check.checkId();
        state.lastCheckAt = check.checkedAt();
        state.runningKernel = check.runningKernel();
        state.installedKernel = check.installedKernel();
        if (check.bootId() != null) {
            // A check without a boot id (an agent that cannot read it) must not erase the one we know.
            state.bootId = check.bootId();
            state.bootSeenAt = check.checkedAt();
        }
        if (profile != null && profile.removed) {
            state.pending = false; // a late check of a removed server
        }
        assessAndPublish(state, profile, policies, batch.published);
    }

    /** Rows from before restart kinds were all reboots. */
    private static RestartKind kindOf(RestartStateEntity state) {
        return state.kind == null ? RestartKind.REBOOT : state.kind;
    }

    /**
     * Whether a restart still required on a new boot is the one pending before it. The sentinel lives on a
     * tmpfs and vanishes at boot, so a sentinel dated no later than the last check on the old boot must have
     * survived the reboot (a non-tmpfs {@code /run}, or a boot id that changes without a reboot): trust the
     * sentinel. Without a sentinel the evidence is a newer installed kernel; the same kernel still waiting
     * means the machine came back on the old kernel.
     */
    private static boolean survivedReboot(RestartStateEntity state, CheckCompleted check) {
        if (check.requiredSince() != null) {
            Instant lastSeenOnOldBoot = state.bootSeenAt != null ? state.bootSeenAt : state.lastCheckAt;
            return lastSeenOnOldBoot != null && !check.requiredSince().isAfter(lastSeenOnOldBoot);
        }
        return Objects.equals(state.installedKernel, check.installedKernel())
                && KernelVersions.updatePending(check.runningKernel(), check.installedKernel());
    }

    private static ServerProfileEntity newProfile(String serverId) {
        ServerProfileEntity profile = new ServerProfileEntity();
        profile.serverId = serverId;
        return profile;
    }

    private static void applySnapshot(ServerProfileEntity profile, ServerSnapshot snapshot) {
        profile.revision = snapshot.revision();
        profile.removed = snapshot.removed();
        profile.hostname = snapshot.hostname();
        profile.applicationId = snapshot.applicationId();
        profile.environment = snapshot.environment();
        profile.openPorts = new ArrayList<>(snapshot.openPorts());
    }

    /** Re-assesses one server now (age crossed a threshold, or its policy changed). */
    @Transactional
    public void reassess(String serverId) {
        lockServers(List.of(serverId));
        RestartStateEntity state = RestartStateEntity.findById(serverId);
        if (state != null) {
            List<OutboxMessage> published = new ArrayList<>(1);
            assessAndPublish(state, ServerProfileEntity.findById(serverId), ApplicationPolicyEntity::policyFor, published);
            outbox.enqueueAll(published);
        }
    }

    /**
     * Snapshots and checks of one server arrive on different topics, handled by different threads: these
     * transaction-scoped locks ({@link KeyLocks}) make them apply one after the other, each seeing the other's
     * committed writes.
     */
    private void lockServers(List<String> serverIds) {
        KeyLocks.lockAll(entityManager, serverIds);
    }

    private void assessAndPublish(RestartStateEntity state, ServerProfileEntity profile, Function<String, Policy> policies,
                                  List<OutboxMessage> published) {
        Instant now = clock.instant();
        if (profile != null) {
            state.applicationId = profile.applicationId;
            state.environment = profile.environment;
            state.hostname = profile.hostname;
        }
        List<ExposureFact> facts = ExposureClassifier.facts(profile == null ? List.of() : profile.openPorts,
                state.discovered, settings.undeclared());
        if (!state.pending) {
            state.nextReassessAt = null;
            state.exposureFacts = new ArrayList<>(facts); // shown by the API even with nothing pending
            if (state.published) {
                state.published = false;
                state.level = null;
                state.score = null;
                state.scoreBand = null;
                state.surfaces = new ArrayList<>();
                state.factors = new ArrayList<>();
                state.publishedServices = new ArrayList<>();
                state.publishedLivepatch = null;
                state.assessedAt = now;
                published.add(publish(state, false, null, now));
            }
            return;
        }
        PendingRestart restart = new PendingRestart(kindOf(state), state.requiredSince, state.packages, state.services,
                state.detectedBy, state.runningKernel, state.installedKernel, state.livepatch);
        Assessment assessment = PriorityModel.assess(restart, facts, policies.apply(state.applicationId), now);
        state.nextReassessAt = assessment.nextReassessAt();
        state.factors = new ArrayList<>(assessment.factors());
        state.score = assessment.score();
        state.assessedAt = now;
        boolean changed = !state.published
                || state.level != assessment.level()
                || !Objects.equals(state.scoreBand, assessment.scoreBand())
                || state.exposure != assessment.exposure()
                || !new HashSet<>(state.surfaces).equals(assessment.surfaces())
                || !state.publishedPackages.equals(state.packages)
                || !state.publishedServices.equals(state.services)
                || !Objects.equals(state.publishedLivepatch, state.livepatch)
                // Discovered exposure re-prioritises at once, like a declared change, even when the score does not move.
                || !state.exposureFacts.equals(assessment.exposureFacts());
        state.exposureFacts = new ArrayList<>(assessment.exposureFacts());
        if (!changed) {
            return;
        }
        state.published = true;
        state.level = assessment.level();
        state.scoreBand = assessment.scoreBand();
        state.exposure = assessment.exposure();
        state.surfaces = new ArrayList<>(assessment.surfaces());
        state.publishedPackages = new ArrayList<>(state.packages);
        state.publishedServices = new ArrayList<>(state.services);
        state.publishedLivepatch = state.livepatch;
        published.add(publish(state, true, assessment, now));
    }

    private static OutboxMessage publish(RestartStateEntity state, boolean pending, Assessment assessment, Instant now) {
        state.sequence++;
        var event = new PriorityAssessed(PriorityAssessed.SCHEMA_VERSION, state.serverId, state.sequence,
                state.applicationId, state.environment, state.hostname, pending,
                pending ? assessment.level() : null, pending ? assessment.score() : 0,
                pending ? assessment.exposure() : state.exposure,
                pending ? assessment.factors() : List.of(), pending ? assessment.surfaces() : Set.of(),
                pending ? state.requiredSince : null, pending ? state.packages : List.of(), now,
                kindOf(state), pending ? state.services : List.of(), pending ? state.livepatch : null, state.exposureFacts);
        return new OutboxMessage(Topics.PRIORITIES, state.serverId, EventTypes.PRIORITY_ASSESSED, state.serverId, event);
    }
}
