package io.restartwatch.priority.persistence;

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
import io.restartwatch.contracts.DiscoveredExposure;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.ExposureFact;
import io.restartwatch.contracts.FirewallFacts;
import io.restartwatch.contracts.ListeningSocket;
import io.restartwatch.contracts.Livepatch;
import io.restartwatch.contracts.OpenPort;
import io.restartwatch.contracts.PriorityFactor;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.RestartKind;
import io.restartwatch.contracts.Surface;
import io.restartwatch.testsupport.EntityFields;
import io.restartwatch.testsupport.LocalInfraResource;
import org.junit.jupiter.api.Test;

/** The plain-SQL reads of restart states and profiles give what Hibernate's mapping of the same rows gives. */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "priority"))
class ServerStateRowsTest {

    private static final int RESTART_STATE_COLUMNS = 33;
    private static final int SERVER_PROFILE_COLUMNS = 7;

    @Inject
    EntityManager entityManager;

    /** Every column set, none to its type's default, so that a column the plain read forgets cannot pass unseen. */
    @Test
    void aStateWithEveryColumnSetReadsAsHibernateReadsIt() {
        String id = unique();
        RestartStateEntity written = everyColumnSet(id);
        QuarkusTransaction.requiringNew().run(() -> RestartStateEntity.upsertAll(entityManager, List.of(written)));
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                List<RestartStateEntity> read = ServerStateRows.states(entityManager, List.of(id, unique()));
                assertThat(read).hasSize(1);
                RestartStateEntity mapped = entityManager.find(RestartStateEntity.class, id);
                EntityFields.assertEveryColumnSetAndSame(RestartStateEntity.class, mapped, read.get(0), RESTART_STATE_COLUMNS);
            });
        } finally {
            delete("restart_state", id);
        }
    }

    /** A state as the first check of a server up to date leaves it: the nullable columns null, the JSON ones empty. */
    @Test
    void aStateWithOnlyItsRequiredColumnsReadsAsHibernateReadsIt() {
        String id = unique();
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery("insert into restart_state (server_id) values (:id)")
                .setParameter("id", id).executeUpdate());
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                RestartStateEntity plain = ServerStateRows.states(entityManager, List.of(id)).get(0);
                RestartStateEntity mapped = entityManager.find(RestartStateEntity.class, id);
                EntityFields.assertSameColumns(RestartStateEntity.class, mapped, plain, RESTART_STATE_COLUMNS);
                assertThat(plain.kind).isNull();
                assertThat(plain.score).isNull();
                assertThat(plain.livepatch).isNull();
                assertThat(plain.packages).isEmpty();
                plain.packages.add("still a list the assessor can change"); // as Hibernate's are
            });
        } finally {
            delete("restart_state", id);
        }
    }

    /** Profiles are written both ways: by Hibernate (a snapshot of a new server) and by the batch's upsert. */
    @Test
    void profilesReadAsHibernateReadsThem() {
        String persisted = unique();
        String upserted = unique();
        QuarkusTransaction.requiringNew().run(() -> {
            profile(persisted, 3, "web-1").persist();
            ServerProfileEntity bare = profile(upserted, 1, null);
            bare.applicationId = null;
            bare.environment = null;
            bare.openPorts = new ArrayList<>();
            ServerProfileEntity.upsertAll(entityManager, List.of(bare));
        });
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                List<ServerProfileEntity> read = ServerStateRows.profiles(entityManager, List.of(persisted, upserted, unique()));
                assertThat(read).extracting(profile -> profile.serverId).containsExactlyInAnyOrder(persisted, upserted);
                for (ServerProfileEntity plain : read) {
                    ServerProfileEntity mapped = entityManager.find(ServerProfileEntity.class, plain.serverId);
                    EntityFields.assertSameColumns(ServerProfileEntity.class, mapped, plain, SERVER_PROFILE_COLUMNS);
                }
                ServerProfileEntity full = read.stream().filter(profile -> profile.serverId.equals(persisted)).findFirst().orElseThrow();
                assertThat(full.removed).isTrue();
                assertThat(full.openPorts).containsExactly(new OpenPort(443, "tcp", List.of("0.0.0.0/0", "::/0")));
            });
        } finally {
            delete("server_profile", persisted);
            delete("server_profile", upserted);
        }
    }

    private static ServerProfileEntity profile(String id, long revision, String hostname) {
        ServerProfileEntity profile = new ServerProfileEntity();
        profile.serverId = id;
        profile.revision = revision;
        profile.removed = true;
        profile.hostname = hostname;
        profile.applicationId = "shop";
        profile.environment = "production";
        profile.openPorts = new ArrayList<>(List.of(new OpenPort(443, "tcp", List.of("0.0.0.0/0", "::/0"))));
        return profile;
    }

    private static RestartStateEntity everyColumnSet(String id) {
        Instant at = Instant.parse("2026-11-01T10:00:00.123456Z");
        Livepatch livepatch = new Livepatch("canonical-livepatch", "applied", true);
        RestartStateEntity state = new RestartStateEntity();
        state.serverId = id;
        state.applicationId = "shop";
        state.environment = "production";
        state.hostname = "web-1.example.org";
        state.pending = true;
        state.kind = RestartKind.SERVICES;
        state.requiredSince = at;
        state.packages = new ArrayList<>(List.of("openssl", "libc6"));
        state.services = new ArrayList<>(List.of("nginx.service"));
        state.detectedBy = new ArrayList<>(List.of("needrestart"));
        state.livepatch = livepatch;
        state.discovered = new DiscoveredExposure(List.of(new ListeningSocket("tcp", "0.0.0.0", 443)),
                new FirewallFacts("nftables", true, List.of(new OpenPort(443, "tcp", List.of("0.0.0.0/0")))));
        state.discoveredAt = at.plusSeconds(1);
        state.bootId = "boot-1";
        state.bootSeenAt = at.plusSeconds(2);
        state.runningKernel = "6.8.0-40-generic";
        state.installedKernel = "6.8.0-41-generic";
        state.lastCheckId = "check-1";
        state.lastCheckAt = at.plusSeconds(3);
        state.sequence = 7;
        state.published = true;
        state.level = PriorityLevel.CRITICAL;
        state.score = 95;
        state.scoreBand = 9;
        state.exposure = Exposure.PUBLIC;
        state.surfaces = new ArrayList<>(List.of(Surface.SERVER, Surface.DASHBOARD));
        state.publishedPackages = new ArrayList<>(List.of("openssl"));
        state.publishedServices = new ArrayList<>(List.of("sshd.service"));
        state.publishedLivepatch = new Livepatch("canonical-livepatch", "nothing-to-apply", false);
        state.exposureFacts = new ArrayList<>(List.of(new ExposureFact(443, "tcp", "declared", "open", List.of("0.0.0.0/0"), Exposure.PUBLIC)));
        state.factors = new ArrayList<>(List.of(new PriorityFactor("exposure", "port 443 open to anywhere", 40)));
        state.assessedAt = at.plusSeconds(4);
        state.nextReassessAt = at.plusSeconds(5);
        return state;
    }

    private static String unique() {
        return "rows-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private void delete(String table, String id) {
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery("delete from " + table + " where server_id = :id")
                .setParameter("id", id).executeUpdate());
    }
}
