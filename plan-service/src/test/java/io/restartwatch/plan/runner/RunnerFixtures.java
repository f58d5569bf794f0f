package io.restartwatch.plan.runner;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restartwatch.contracts.CheckCompleted;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.CheckTrigger;
import io.restartwatch.contracts.CloudEventHeaders;
import io.restartwatch.contracts.EventJson;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PriorityAssessed;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.RestartEvent;
import io.restartwatch.contracts.RestartKind;
import io.restartwatch.contracts.ServerSnapshot;
import io.restartwatch.contracts.Topics;
import io.restartwatch.plan.MutableClock;
import io.restartwatch.testsupport.KafkaEvents;
import io.restartwatch.testsupport.KafkaEvents.ReceivedEvent;
import org.awaitility.Awaitility;

/**
 * Drives plan-service as the other services do, over the real broker — inventory snapshots, priority assessments,
 * checks, executors' reports — and creates plans the way plan-api stores them (rows of restart_plan and
 * planned_restart), then reads what the runner stored and published.
 */
@ApplicationScoped
public class RunnerFixtures {

    public static final Duration WAIT = Duration.ofSeconds(60);

    private final KafkaEvents kafka = KafkaEvents.local();
    private final EntityManager entityManager;
    private final MutableClock clock;

    public RunnerFixtures(EntityManager entityManager, MutableClock clock) {
        this.entityManager = entityManager;
        this.clock = clock;
    }

    public static String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public KafkaEvents kafka() {
        return kafka;
    }

    public Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    // --- what the other services publish

    public void server(String serverId, String applicationId, long revision) {
        server(serverId, serverId + ".example.net", applicationId, "prod", revision, false);
    }

    public void server(String serverId, String hostname, String applicationId, String environment, long revision, boolean removed) {
        kafka.publish(Topics.SERVERS, serverId, removed ? EventTypes.SERVER_REMOVED : EventTypes.SERVER_UPDATED,
                snapshot(serverId, hostname, applicationId, environment, revision, removed));
    }

    public static ServerSnapshot snapshot(String serverId, String hostname, String applicationId, String environment, long revision, boolean removed) {
        return new ServerSnapshot(ServerSnapshot.SCHEMA_VERSION, serverId, revision, removed, hostname, applicationId,
                environment, Map.of("team", "web"), List.of(), "agent", Instant.now());
    }

    public void priority(String serverId, String applicationId, long sequence, boolean pending, PriorityLevel level,
                         RestartKind kind, Instant requiredSince) {
        kafka.publish(Topics.PRIORITIES, serverId, EventTypes.PRIORITY_ASSESSED, new PriorityAssessed(
                PriorityAssessed.SCHEMA_VERSION, serverId, sequence, applicationId, "prod", serverId + ".example.net",
                pending, pending ? level : null, pending ? 50 : 0, Exposure.PUBLIC, List.of(), null, requiredSince, List.of(),
                Instant.now(), kind, List.of(), null, List.of()));
    }

    /** A check as check-service publishes it; a reboot it requires is detected by the sentinel. */
    public static CheckCompleted check(String serverId, Instant checkedAt, CheckOutcome outcome, String bootId) {
        return check(serverId, checkedAt, outcome, bootId, outcome == CheckOutcome.REBOOT_REQUIRED ? List.of("sentinel") : List.of());
    }

    public static CheckCompleted check(String serverId, Instant checkedAt, CheckOutcome outcome, String bootId, List<String> detectedBy) {
        boolean sentinel = detectedBy.contains("sentinel");
        return new CheckCompleted(CheckCompleted.SCHEMA_VERSION, UUID.randomUUID().toString(), serverId, checkedAt,
                CheckTrigger.AGENT, outcome, outcome == CheckOutcome.UNREACHABLE ? "TIMEOUT" : null, List.of(),
                sentinel ? checkedAt.minusSeconds(3600) : null, bootId, "6.8.0-1",
                detectedBy.contains("kernel") ? "6.8.0-2" : "6.8.0-1", null, List.of(), detectedBy, null, null);
    }

    public void publishCheck(CheckCompleted check) {
        kafka.publish(Topics.CHECKS, check.serverId(), EventTypes.CHECK_COMPLETED, check);
    }

    /** A check at the service's "now" (after any release so far). */
    public CheckCompleted checkNow(String serverId, CheckOutcome outcome, String bootId) {
        CheckCompleted check = check(serverId, now(), outcome, bootId);
        publishCheck(check);
        return check;
    }

    /** An executor's report on the topic (not from plan-service). */
    public void executorReport(String type, String restartId, String serverId, String reason, String detail) {
        RestartEvent event = new RestartEvent(RestartEvent.SCHEMA_VERSION, restartId, null, serverId, null, null, null, 0,
                null, null, null, null, null, null, reason, detail, "ansible", Instant.now());
        kafka.publishRaw(Topics.RESTARTS, serverId, EventJson.write(event), Map.of(
                CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE,
                CloudEventHeaders.ID, UUID.randomUUID().toString(),
                CloudEventHeaders.TYPE, type,
                CloudEventHeaders.SOURCE, "/ansible/reboot-job",
                CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.JSON));
    }

    /** A record with valid CloudEvent headers whose data is not JSON. */
    public void poison(String topic, String key, String type) {
        kafka.publishRaw(topic, key, "{this is not json", Map.of(
                CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE,
                CloudEventHeaders.ID, UUID.randomUUID().toString(),
                CloudEventHeaders.TYPE, type,
                CloudEventHeaders.SOURCE, "/restartwatch/tests",
                CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.JSON));
    }

    // --- plans, as plan-api stores them

    /** A plan in {@code status} with one restart per server of {@code waves} (wave 1 first), all PLANNED. */
    public String plan(String applicationId, String status, List<List<String>> waves) {
        String planId = uniqueId("plan");
        Instant now = now();
        QuarkusTransaction.requiringNew().run(() -> {
            entityManager.createNativeQuery("""
                            insert into restart_plan (plan_id, application_id, selection, status, waves, created_by, created_at,
                                                      approved_by, approved_at, updated_at)
                            values (:id, :app, cast(:selection as jsonb), :status, :waves, 'key:test', :now, 'key:test', :now, :now)""")
                    .setParameter("id", planId).setParameter("app", applicationId)
                    .setParameter("selection", "{\"application\":\"" + applicationId + "\"}")
                    .setParameter("status", status).setParameter("waves", waves.size()).setParameter("now", now)
                    .executeUpdate();
            for (int wave = 1; wave <= waves.size(); wave++) {
                for (String serverId : waves.get(wave - 1)) {
                    entityManager.createNativeQuery("""
                                    insert into planned_restart (restart_id, plan_id, server_id, hostname, application_id, environment,
                                                                 wave, planned_at, level, score, exposure, status)
                                    values (:id, :plan, :server, :host, :app, 'prod', :wave, :now, 'HIGH', 50, 'PUBLIC', 'PLANNED')""")
                            .setParameter("id", uniqueId("restart")).setParameter("plan", planId).setParameter("server", serverId)
                            .setParameter("host", serverId + ".example.net").setParameter("app", applicationId)
                            .setParameter("wave", wave).setParameter("now", now)
                            .executeUpdate();
                }
            }
        });
        return planId;
    }

    public void setPlanStatus(String planId, String status) {
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery(
                        "update restart_plan set status = :status, version = version + 1 where plan_id = :id")
                .setParameter("status", status).setParameter("id", planId).executeUpdate());
    }

    /** A policy row for the application (windows and blackouts as plan-api's JSON). */
    public void policy(String applicationId, String timeZone, String windowsJson, String blackoutsJson, String maxUnavailable,
                       String restartTimeout, String healthUrl) {
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery("""
                        insert into restart_policy (application_id, environment, time_zone, windows, blackouts, max_unavailable,
                                                    restart_timeout, health_url, updated_by, updated_at)
                        values (:app, '*', :zone, cast(:windows as jsonb), cast(:blackouts as jsonb), :max, :timeout, :health, 'key:test', now())
                        on conflict (application_id, environment) do update set time_zone = excluded.time_zone,
                            windows = excluded.windows, blackouts = excluded.blackouts, max_unavailable = excluded.max_unavailable,
                            restart_timeout = excluded.restart_timeout, health_url = excluded.health_url""")
                .setParameter("app", applicationId).setParameter("zone", timeZone).setParameter("windows", windowsJson)
                .setParameter("blackouts", blackoutsJson).setParameter("max", maxUnavailable).setParameter("timeout", restartTimeout)
                .setParameter("health", healthUrl).executeUpdate());
    }

    // --- what plan-service stored and published

    public record Restart(String restartId, String serverId, int wave, String status, Instant releasedAt, String baselineBootId,
                         String failureReason, String executor) {
    }

    public List<Restart> restarts(String planId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = entityManager.createNativeQuery("""
                            select restart_id, server_id, wave, status, released_at, baseline_boot_id, failure_reason, executor
                            from planned_restart where plan_id = :plan order by wave, server_id""")
                    .setParameter("plan", planId).getResultList();
            List<Restart> restarts = new ArrayList<>();
            for (Object[] row : rows) {
                restarts.add(new Restart((String) row[0], (String) row[1], ((Number) row[2]).intValue(), (String) row[3],
                        row[4] == null ? null : ((java.time.OffsetDateTime) toOffset(row[4])).toInstant(), (String) row[5],
                        (String) row[6], (String) row[7]));
            }
            return restarts;
        });
    }

    private static Object toOffset(Object value) {
        if (value instanceof Instant instant) {
            return instant.atOffset(java.time.ZoneOffset.UTC);
        }
        if (value instanceof java.sql.Timestamp timestamp) {
            return timestamp.toInstant().atOffset(java.time.ZoneOffset.UTC);
        }
        return value;
    }

    public Restart restartOf(String planId, String serverId) {
        return restarts(planId).stream().filter(r -> r.serverId().equals(serverId)).findFirst().orElseThrow();
    }

    /** status, current_wave, hold_reason, hold_detail, status_reason. */
    public Object[] plan(String planId) {
        return QuarkusTransaction.requiringNew().call(() -> (Object[]) entityManager.createNativeQuery(
                        "select status, current_wave, hold_reason, hold_detail, status_reason from restart_plan where plan_id = :id")
                .setParameter("id", planId).getSingleResult());
    }

    public String planStatus(String planId) {
        return (String) plan(planId)[0];
    }

    /** A plan_server column. */
    public Object serverColumn(String serverId, String column) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<?> rows = entityManager.createNativeQuery("select " + column + " from plan_server where server_id = :id")
                    .setParameter("id", serverId).getResultList();
            return rows.isEmpty() ? null : rows.get(0);
        });
    }

    /** Events of {@code type} on the restarts topic for {@code key} (server id or plan id). */
    public List<ReceivedEvent> events(String type, String key) {
        return kafka.readAll(Topics.RESTARTS).stream().filter(e -> type.equals(e.type()) && key.equals(e.key())).toList();
    }

    public List<ReceivedEvent> awaitEvents(String type, String key, int atLeast) {
        return kafka.awaitEvents(Topics.RESTARTS, WAIT, e -> type.equals(e.type()) && key.equals(e.key()), atLeast);
    }

    public void awaitTrue(java.util.concurrent.Callable<Boolean> condition) {
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(condition);
    }
}
