package io.restartwatch.check.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.check.SshTestResource;
import io.restartwatch.testsupport.EntityFields;
import io.restartwatch.testsupport.LocalInfraResource;
import org.junit.jupiter.api.Test;

/** The plain-SQL read of servers gives what Hibernate's mapping of the same row gives, column for column. */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "check"))
@WithTestResource(SshTestResource.class)
class ServerRowsTest {

    private static final int SERVER_COLUMNS = 31;

    @Inject
    EntityManager entityManager;

    @Test
    void everyColumnReadsAsHibernateReadsIt() throws Exception {
        String id = "rows-" + UUID.randomUUID().toString().substring(0, 8);
        // Every column set, none to its type's default, so that a column the plain read forgets cannot pass unseen.
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery("""
                insert into server (id, hostname, host, ssh_port, application_id, environment, labels, open_ports,
                    probe_kind, ssh_user, agent_token_hash, revision, created_at, updated_at, next_check_at, next_trigger,
                    recheck_requested_at, lease_owner, lease_until, consecutive_failures, deploy_recheck_id,
                    deploy_recheck_at, last_verified_at, last_attempt_at, last_attempt_outcome, last_attempt_reason,
                    last_attempt_detail, unverified_since, unverified_reason, unverified_detail, freshness_sequence)
                values (:id, 'web-1.example.org', '10.0.0.7', 2222, 'shop', 'production',
                    '{"team":"payments","tier":"edge"}',
                    '[{"port":443,"protocol":"tcp","sources":["0.0.0.0/0","::/0"]},{"port":22,"protocol":"tcp","sources":["10.0.0.0/8"]}]',
                    'AGENT', 'ops', 'c0ffee', 7, '2026-11-01T10:00:00.123456Z', '2026-11-02T10:00:00Z', '2100-01-01T00:00:00Z',
                    'DEPLOY', '2026-11-03T10:00:00Z', 'check-1', '2026-11-04T10:00:00Z', 3, 'deploy-9',
                    '2026-11-05T10:00:00Z', '2026-11-06T10:00:00Z', '2026-11-07T10:00:00Z', 'UNREACHABLE', 'TIMEOUT',
                    'no answer', '2026-11-08T10:00:00Z', 'SILENT', 'nothing for a day', 5)
                """).setParameter("id", id).executeUpdate());

        try {
            QuarkusTransaction.requiringNew().run(() -> {
                ServerEntity plain = ServerRows.lockAll(entityManager, List.of(id, id, "rows-missing")).get(0);
                ServerEntity mapped = entityManager.find(ServerEntity.class, id);
                EntityFields.assertEveryColumnSetAndSame(ServerEntity.class, mapped, plain, SERVER_COLUMNS);
            });
            assertThat(QuarkusTransaction.requiringNew().call(() -> ServerRows.lockAll(entityManager, List.of(id, id)))).hasSize(1);
        } finally {
            delete(id);
        }
    }

    @Test
    void aServerWithOnlyItsRequiredColumnsReadsAsHibernateReadsIt() {
        String id = "rows-" + UUID.randomUUID().toString().substring(0, 8);
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery("""
                insert into server (id, hostname, application_id, environment, probe_kind, revision, created_at, updated_at)
                values (:id, 'bare-1', 'shop', 'staging', 'AGENT', 1, now(), now())
                """).setParameter("id", id).executeUpdate());
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                ServerEntity plain = ServerRows.lockAll(entityManager, List.of(id)).get(0);
                ServerEntity mapped = entityManager.find(ServerEntity.class, id);
                EntityFields.assertSameColumns(ServerEntity.class, mapped, plain, SERVER_COLUMNS);
                assertThat(plain.host).isNull();
                assertThat(plain.sshPort).isNull();
                assertThat(plain.lastAttemptOutcome).isNull();
                assertThat(plain.labels).isEmpty();
                assertThat(plain.openPorts).isEmpty();
            });
        } finally {
            delete(id);
        }
    }

    private void delete(String id) {
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery("delete from server where id = :id")
                .setParameter("id", id).executeUpdate());
    }
}
