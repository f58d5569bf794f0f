package io.restartwatch.check.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.check.SshTestResource;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.CheckTrigger;
import io.restartwatch.contracts.DiscoveredExposure;
import io.restartwatch.contracts.FirewallFacts;
import io.restartwatch.contracts.ListeningSocket;
import io.restartwatch.contracts.Livepatch;
import io.restartwatch.contracts.OpenPort;
import io.restartwatch.testsupport.EntityFields;
import io.restartwatch.testsupport.LocalInfraResource;
import org.junit.jupiter.api.Test;

/** Checks written by one set statement ({@link CheckEntity#insertAll}) read back through Hibernate's mapping as written. */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "check"))
@WithTestResource(SshTestResource.class)
class CheckRowsTest {

    private static final int CHECK_COLUMNS = 16;

    @Inject
    EntityManager entityManager;

    /**
     * One check with every column set (none to its type's default, so a column the insert forgets cannot pass unseen),
     * one with only the required ones.
     */
    @Test
    void checksWrittenAsASetReadAsHibernateReadsThem() {
        String serverId = server();
        CheckEntity full = everyColumnSet(serverId);
        CheckEntity bare = required(serverId);
        try {
            QuarkusTransaction.requiringNew().run(() -> CheckEntity.insertAll(entityManager, List.of(full, bare)));
            QuarkusTransaction.requiringNew().run(() -> {
                EntityFields.assertEveryColumnSetAndSame(CheckEntity.class, full, entityManager.find(CheckEntity.class, full.id),
                        CHECK_COLUMNS);
                CheckEntity mapped = entityManager.find(CheckEntity.class, bare.id);
                EntityFields.assertSameColumns(CheckEntity.class, bare, mapped, CHECK_COLUMNS);
                assertThat(mapped.hostFacts).isNull();
                assertThat(mapped.packages).isEmpty();
            });
        } finally {
            QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery("delete from server where id = :id")
                    .setParameter("id", serverId).executeUpdate());
        }
    }

    private String server() {
        String id = "checkrows-" + UUID.randomUUID().toString().substring(0, 8);
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery("""
                insert into server (id, hostname, application_id, environment, probe_kind, revision, created_at, updated_at)
                values (:id, 'web-1', 'shop', 'production', 'AGENT', 1, now(), now())
                """).setParameter("id", id).executeUpdate());
        return id;
    }

    private static CheckEntity everyColumnSet(String serverId) {
        Instant at = Instant.parse("2026-11-01T10:00:00.123456Z");
        CheckEntity check = required(serverId);
        check.checkedAt = at;
        check.trigger = CheckTrigger.DEPLOY;
        check.outcome = CheckOutcome.REBOOT_REQUIRED;
        check.reason = "SENTINEL";
        check.detail = "linux-image-6.8.0-50-generic \"quoted\", {braces} and a backslash \\";
        check.packages = new ArrayList<>(List.of("linux-image-6.8.0-50-generic", "libssl3"));
        check.requiredSince = at.minusSeconds(3600);
        check.bootId = "2f1c9a8e-boot";
        check.runningKernel = "6.8.0-49-generic";
        check.installedKernel = "6.8.0-50-generic";
        check.durationMs = 42;
        check.checkedBy = "check-1";
        check.hostFacts = new CheckFacts(List.of("nginx.service"), List.of("sentinel", "kernel"),
                new Livepatch("canonical-livepatch", "applied", true),
                new DiscoveredExposure(List.of(new ListeningSocket("tcp", "0.0.0.0", 443)),
                        new FirewallFacts("nftables", true, List.of(new OpenPort(443, "tcp", List.of("0.0.0.0/0"))))));
        check.deployId = "deploy-7";
        return check;
    }

    private static CheckEntity required(String serverId) {
        CheckEntity check = new CheckEntity();
        check.id = UUID.randomUUID();
        check.serverId = serverId;
        check.checkedAt = Instant.parse("2026-11-02T10:00:00Z");
        check.trigger = CheckTrigger.SCHEDULED;
        check.outcome = CheckOutcome.UP_TO_DATE;
        return check;
    }
}
