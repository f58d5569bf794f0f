package io.restartwatch.check;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restartwatch.check.domain.CheckRecorder;
import io.restartwatch.check.domain.CheckRecorder.Finished;
import io.restartwatch.check.domain.CheckRecorder.Pushed;
import io.restartwatch.check.domain.ProbeKind;
import io.restartwatch.check.persistence.CheckEntity;
import io.restartwatch.check.persistence.CountingDriver;
import io.restartwatch.check.persistence.ServerClaims.Claim;
import io.restartwatch.support.tx.GroupCommit;
import io.restartwatch.support.tx.GroupCommit.Outcome;
import io.restartwatch.check.probe.ProbeResult;
import io.restartwatch.contracts.CheckCompleted;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.CheckTrigger;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Topics;
import io.restartwatch.support.rest.ProblemException;
import io.restartwatch.testsupport.KafkaEvents;
import io.restartwatch.testsupport.LocalInfraResource;
import io.restartwatch.testsupport.TestCredentials;
import org.junit.jupiter.api.Test;

/**
 * The set-based writes of checks (issue 14): a group of agent reports and a set of finished pulled checks are each
 * written with a constant number of statements, counted at the JDBC boundary ({@link CountingDriver}), with every
 * guarantee of the one-at-a-time path: refusals fail alone, a server's later check is its newer one, every check has
 * exactly one {@code check.completed} in the outbox, in order.
 */
@QuarkusTest
@TestProfile(SetBasedWritesTest.CountingStatements.class)
// No SshTestResource: nothing here connects over SSH (the pulled servers' own probes fail on a closed port), and its key
// writer cannot start twice in one JVM, which this test's own profile would ask of it.
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "check"))
class SetBasedWritesTest {

    /** The datasource's connections count their statements. */
    public static class CountingStatements implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.jdbc.driver", CountingDriver.class.getName());
        }
    }

    @Inject
    CheckRecorder recorder;
    @Inject
    EntityManager entityManager;

    private final KafkaEvents kafka = KafkaEvents.local();

    @Test
    void aGroupOfTwoHundredReportsTakesAsManyStatementsAsOneReport() {
        List<String> ids = register(201, "agent", """
                "probeKind":"agent\"""");

        long oneReport = statements(() -> recorder.recordPushedAll(List.of(pushed(ids.get(0), true))));
        List<String> group = ids.subList(1, 201);
        List<Outcome<CheckEntity>> outcomes = new ArrayList<>();
        long twoHundredReports = statements(() -> outcomes.addAll(
                recorder.recordPushedAll(group.stream().map(id -> pushed(id, true)).toList())));

        System.out.printf("Statements to record agent reports: 1 -> %d, 200 -> %d%n", oneReport, twoHundredReports);
        // Read, insert batch, freshness, outbox: the same few statements for 1 report and for 200.
        assertThat(twoHundredReports).isEqualTo(oneReport).isLessThanOrEqualTo(4);
        assertThat(outcomes).hasSize(200).allSatisfy(outcome -> assertThat(outcome.refused()).isNull());
        assertThat(count("select count(*) from server_check where server_id in (:ids)", group)).isEqualTo(200);
        // One check.completed per check, none lost or repeated.
        assertThat(published(group, 200)).containsExactlyInAnyOrderElementsOf(
                outcomes.stream().map(o -> o.result().id.toString()).toList());
    }

    @Test
    void aReportRefusedInItsGroupFailsAloneAndTheOthersAreRecorded() {
        List<String> agents = register(2, "agent", """
                "probeKind":"agent\"""");
        List<String> probed = register(1, "probed", """
                "probeKind":"ssh","address":{"host":"127.0.0.1","sshPort":1}""");
        String missing = "missing-" + UUID.randomUUID().toString().substring(0, 8);

        List<Outcome<CheckEntity>> outcomes = inTransaction(() -> recorder.recordPushedAll(List.of(
                pushed(agents.get(0), true), pushed(probed.get(0), true), pushed(missing, true), pushed(agents.get(1), false))));

        assertThat(outcomes.get(0).refused()).isNull();
        assertThat(outcomes.get(1).refused()).isInstanceOfSatisfying(ProblemException.class,
                refused -> assertThat(refused.getMessage()).contains("checked by its ssh probe"));
        assertThat(outcomes.get(2).refused()).isInstanceOfSatisfying(ProblemException.class,
                refused -> assertThat(refused.getMessage()).contains("No server"));
        assertThat(outcomes.get(3).refused()).isNull();
        assertThat(outcomes.get(3).result().outcome).isEqualTo(CheckOutcome.UP_TO_DATE);
        assertThat(published(agents, 2)).containsExactlyInAnyOrder(
                outcomes.get(0).result().id.toString(), outcomes.get(3).result().id.toString());
        // (The probed server has its own probe's checks, never an agent's.)
        assertThat(count("select count(*) from server_check where check_trigger = 'AGENT' and server_id in (:ids)",
                List.of(probed.get(0), missing))).isZero();
    }

    @Test
    void aServersReportsInOneGroupKeepTheirOrderAndOnlyTheFirstIsItsDeploysRecheck() {
        String id = register(1, "agent", """
                "probeKind":"agent\"""").get(0);
        inTransaction(() -> entityManager.createNativeQuery(
                        "update server set deploy_recheck_id = 'deploy-1', deploy_recheck_at = now() where id = :id")
                .setParameter("id", id).executeUpdate());

        List<Outcome<CheckEntity>> outcomes = inTransaction(() -> recorder.recordPushedAll(List.of(
                pushed(id, true), pushed(id, false), pushed(id, true))));

        List<CheckEntity> checks = outcomes.stream().map(Outcome::result).toList();
        assertThat(checks).extracting(check -> check.trigger)
                .containsExactly(CheckTrigger.DEPLOY, CheckTrigger.AGENT, CheckTrigger.AGENT);
        assertThat(checks.get(0).deployId).isEqualTo("deploy-1");
        assertThat(checks.get(1).checkedAt).isAfter(checks.get(0).checkedAt);
        assertThat(checks.get(2).checkedAt).isAfter(checks.get(1).checkedAt);
        // One key, one partition: the events keep the checks' order.
        assertThat(published(List.of(id), 3)).containsExactlyElementsOf(checks.stream().map(c -> c.id.toString()).toList());
        // The newest check is the one the history shows first.
        given().when().get("/api/servers/{id}/checks", id).then().statusCode(200)
                .body("[0].checkId", org.hamcrest.Matchers.equalTo(checks.get(2).id.toString()));
        assertThat(inTransaction(() -> entityManager.createNativeQuery(
                "select deploy_recheck_id from server where id = :id").setParameter("id", id).getSingleResult())).isNull();
    }

    @Test
    void aSetOfFinishedChecksTakesAsManyStatementsAsOneAndSchedulesEachServer() {
        List<String> ids = register(31, "pulled", """
                "probeKind":"ssh","address":{"host":"127.0.0.1","sshPort":1}""");
        // Leased to this test and due far ahead: the dispatcher leaves them alone, the schedule here is the test's.
        Instant claimedAt = Instant.now();
        inTransaction(() -> entityManager.createNativeQuery("""
                        update server set lease_owner = 'set-test', lease_until = now() + interval '1 hour',
                            next_check_at = now() + interval '1 day', consecutive_failures = 2
                        where id in (:ids)""").setParameter("ids", ids).executeUpdate());
        inTransaction(() -> entityManager.createNativeQuery("update server set lease_owner = 'another-instance' where id = :id")
                .setParameter("id", ids.get(30)).executeUpdate());

        long one = statements(() -> recorder.recordClaimedAll(List.of(finished(ids.get(0), true, claimedAt))));
        long twenty = statements(() -> recorder.recordClaimedAll(
                ids.subList(1, 21).stream().map(id -> finished(id, true, claimedAt)).toList()));
        long mixed = statements(() -> recorder.recordClaimedAll(IntStream.range(21, 31)
                .mapToObj(i -> finished(ids.get(i), i % 2 == 0, claimedAt)).toList()));

        System.out.printf("Statements to record finished checks: 1 -> %d, 20 -> %d, 10 mixed -> %d%n", one, twenty, mixed);
        assertThat(twenty).isEqualTo(one).isLessThanOrEqualTo(5);
        assertThat(mixed).isLessThanOrEqualTo(6); // one more: the failed checks' freshness
        @SuppressWarnings("unchecked")
        List<String> recorded = inTransaction(() -> entityManager.createNativeQuery(
                        "select cast(id as varchar) from server_check where checked_by = 'set-test' and server_id in (:ids)")
                .setParameter("ids", ids).getResultList());
        assertThat(recorded).hasSize(31);
        // The probe's own checks of these servers (before the test leased them) may be there too: not counted here.
        assertThat(published(ids, 31).stream().filter(recorded::contains).toList()).containsExactlyInAnyOrderElementsOf(recorded);
        for (int i = 0; i < 30; i++) {
            Object[] row = serverSchedule(ids.get(i));
            assertThat(row[0]).as("lease of %s", ids.get(i)).isNull();
            assertThat(((Number) row[1]).intValue()).as("failures of %s", ids.get(i)).isEqualTo(i >= 21 && i % 2 == 1 ? 3 : 0);
            assertThat(row[2]).isEqualTo(CheckTrigger.SCHEDULED.name());
        }
        // The lease another instance took over: the check is recorded, the schedule is that instance's.
        Object[] taken = serverSchedule(ids.get(30));
        assertThat(taken[0]).isEqualTo("another-instance");
        assertThat(((Number) taken[1]).intValue()).isEqualTo(2);
    }

    @Test
    void aGroupThatFailsIsWrittenAgainItemByItemAndOnlyTheBadItemFails() throws Exception {
        CountDownLatch firstGroupStarted = new CountDownLatch(1);
        CountDownLatch othersQueued = new CountDownLatch(1);
        List<Integer> groupSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (GroupCommit<String, String> writes = GroupCommit.ofGroups("poison-test", items -> {
            groupSizes.add(items.size());
            if (items.size() == 1 && items.get(0).equals("first")) {
                firstGroupStarted.countDown();
                await(othersQueued);
            }
            if (items.contains("poison")) {
                throw new IllegalStateException("poison in the group");
            }
            return items.stream().map(item -> Outcome.written(item.toUpperCase())).toList();
        }, 10, 100)) {
            ExecutorService callers = Executors.newFixedThreadPool(6);
            try {
                Future<String> first = callers.submit(() -> writes.submit("first"));
                await(firstGroupStarted);
                List<Future<String>> rest = new ArrayList<>();
                for (String item : List.of("a", "b", "poison", "c", "d")) {
                    rest.add(callers.submit(() -> writes.submit(item)));
                }
                // All five queued behind the first group.
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> writes.waiting() == 5);
                othersQueued.countDown();
                assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo("FIRST");
                assertThat(rest.get(0).get(30, TimeUnit.SECONDS)).isEqualTo("A");
                assertThat(rest.get(1).get(30, TimeUnit.SECONDS)).isEqualTo("B");
                assertThat(rest.get(3).get(30, TimeUnit.SECONDS)).isEqualTo("C");
                assertThat(rest.get(4).get(30, TimeUnit.SECONDS)).isEqualTo("D");
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> rest.get(2).get(30, TimeUnit.SECONDS))
                        .hasRootCauseInstanceOf(IllegalStateException.class);
                // The five were one group first, then each alone.
                assertThat(groupSizes).containsExactly(1, 5, 1, 1, 1, 1, 1);
            } finally {
                callers.shutdownNow();
            }
        }
    }

    @Test
    void concurrentReportsAreEachAnsweredAfterTheirCommitAndRecordedOnce() throws Exception {
        List<String> ids = register(40, "burst", """
                "probeKind":"agent\"""");
        List<String> tokens = ids.stream().map(AgentServers::token).toList();
        ExecutorService agents = Executors.newFixedThreadPool(20);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < ids.size(); i++) {
                    String id = ids.get(i);
                    String token = tokens.get(i);
                    answers.add(agents.submit(() -> given().contentType(ContentType.JSON).filter(TestCredentials.as(token))
                            .body("""
                                    {"serverId":"%s","rebootRequired":false,"runningKernel":"6.8.0-48-generic",
                                     "installedKernels":["6.8.0-48-generic"]}""".formatted(id))
                            .when().post("/api/agent/reports")
                            .then().statusCode(202).extract().<String>path("checkId")));
                }
            }
            List<String> checkIds = new ArrayList<>();
            for (Future<String> answer : answers) {
                checkIds.add(answer.get(60, TimeUnit.SECONDS));
            }
            // Answered 202 only once committed: every answered check is already there, with its one event.
            assertThat(count("select count(*) from server_check where server_id in (:ids)", ids)).isEqualTo(80);
            assertThat(published(ids, 80)).containsExactlyInAnyOrderElementsOf(checkIds);
        } finally {
            agents.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Statements {@code write} executes in its own transaction on this thread. */
    private static long statements(Runnable write) {
        long before = CountingDriver.statements(Thread.currentThread());
        QuarkusTransaction.requiringNew().run(write);
        return CountingDriver.statements(Thread.currentThread()) - before;
    }

    private static <T> T inTransaction(Supplier<T> work) {
        return QuarkusTransaction.requiringNew().call(work::get);
    }

    private long count(String sql, List<String> ids) {
        return inTransaction(() -> ((Number) entityManager.createNativeQuery(sql).setParameter("ids", ids)
                .getSingleResult()).longValue());
    }

    /**
     * The ids of the {@code check.completed} events of these servers on Kafka (the relay deletes outbox rows once
     * published), once there are at least {@code expected}; one server's in the order they were published.
     */
    private List<String> published(List<String> serverIds, int expected) {
        Set<String> keys = new HashSet<>(serverIds);
        return kafka.awaitEvents(Topics.CHECKS, Duration.ofSeconds(90),
                        event -> keys.contains(event.key()) && EventTypes.CHECK_COMPLETED.equals(event.type()), expected)
                .stream().map(event -> event.data(CheckCompleted.class).checkId()).toList();
    }

    private Object[] serverSchedule(String id) {
        return inTransaction(() -> (Object[]) entityManager.createNativeQuery(
                        "select lease_owner, consecutive_failures, next_trigger from server where id = :id")
                .setParameter("id", id).getSingleResult());
    }

    private static Pushed pushed(String serverId, boolean rebootRequired) {
        return new Pushed(serverId, new ProbeResult(rebootRequired ? CheckOutcome.REBOOT_REQUIRED : CheckOutcome.UP_TO_DATE,
                null, null, rebootRequired ? List.of("libc6") : List.of(), null, "boot-1", "6.8.0-48-generic",
                "6.8.0-48-generic", List.of(), List.of(), null, null));
    }

    private static Finished finished(String serverId, boolean reached, Instant claimedAt) {
        ProbeResult result = reached
                ? new ProbeResult(CheckOutcome.UP_TO_DATE, null, null, List.of(), null, "boot-1", "6.8.0-48-generic",
                "6.8.0-48-generic", List.of(), List.of(), null, null)
                : ProbeResult.unreachable("CONNECTION_REFUSED", "Connection refused");
        return new Finished(new Claim(serverId, CheckTrigger.SCHEDULED, ProbeKind.SSH, "127.0.0.1", 1, "restartwatch",
                null, "set-test", claimedAt), result, Duration.ofMillis(5));
    }

    /** Registers {@code count} servers (ids in registration order). */
    private static List<String> register(int count, String prefix, String probe) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = "%s-%s-%03d".formatted(prefix, run, i);
            given().contentType(ContentType.JSON).body("""
                            {"id":"%s","hostname":"%s.example.com","applicationId":"shop","environment":"production",%s}"""
                            .formatted(id, id, probe))
                    .when().post("/api/servers")
                    .then().log().ifValidationFails().statusCode(201);
            ids.add(id);
        }
        return ids;
    }
}
