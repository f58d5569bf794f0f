package io.restartwatch.priority;

import static io.restartwatch.priority.Fixtures.check2;
import static io.restartwatch.priority.Fixtures.server;
import static io.restartwatch.priority.Fixtures.uniqueId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.CloudEventHeaders;
import io.restartwatch.contracts.DiscoveredExposure;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.ExposureFact;
import io.restartwatch.contracts.FirewallFacts;
import io.restartwatch.contracts.ListeningSocket;
import io.restartwatch.contracts.Livepatch;
import io.restartwatch.contracts.OpenPort;
import io.restartwatch.contracts.PriorityAssessed;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.RestartKind;
import io.restartwatch.contracts.Topics;
import io.restartwatch.priority.persistence.RestartStateEntity;
import io.restartwatch.testsupport.KafkaEvents;
import io.restartwatch.testsupport.KafkaEvents.ReceivedEvent;
import io.restartwatch.testsupport.LocalInfraResource;
import org.junit.jupiter.api.Test;

/** Schema-2 checks over real Kafka and PostgreSQL: discovered exposure, service restarts, livepatch. */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "priority"))
class DiscoveredFactsTest {

    private static final List<String> SENTINEL = List.of("sentinel");

    @Inject
    Fixtures fixtures;

    @Test
    void discoveredFactsAreWeighedNamedAndKeptThroughUnreachableChecks() {
        String id = uniqueId("discovered");
        Instant now = fixtures.now();
        Instant since = now.minus(Duration.ofHours(5));
        fixtures.register(server(id, "shop", 1, "10.0.0.0/8"));
        // 443 as declared, 8080 on every interface that nobody declared, PostgreSQL on loopback only.
        DiscoveredExposure found = new DiscoveredExposure(List.of(tcp("0.0.0.0", 443), tcp("::", 8080), tcp("127.0.0.1", 5432)), null);
        fixtures.publish(check2(id, now.minus(Duration.ofHours(4)), CheckOutcome.REBOOT_REQUIRED, since, "boot-1",
                List.of("libc6"), List.of(), SENTINEL, null, found));

        PriorityAssessed first = fixtures.awaitAssessment(id, PriorityAssessed::pending);
        assertThat(first.exposureFacts()).containsExactly(
                new ExposureFact(443, "tcp", "declared", "open", List.of("10.0.0.0/8"), Exposure.INTERNAL),
                new ExposureFact(8080, "tcp", "listening", "undeclared", List.of(), Exposure.RESTRICTED));
        assertThat(first.exposure()).isEqualTo(Exposure.RESTRICTED); // restartwatch.priority.undeclared defaults to restricted
        assertThat(first.score()).isEqualTo(10 + 20 + 15);
        assertThat(first.factors()).anySatisfy(f -> assertThat(f.detail())
                .isEqualTo("listening: port 8080/tcp on every interface, undeclared, weighed as restartwatch.priority.undeclared says (restricted)"));
        given().when().get("/api/priorities/{id}", id).then().statusCode(200)
                .body("exposureFacts.find { it.port == 8080 }.status", equalTo("undeclared"))
                .body("exposureFacts.find { it.port == 8080 }.origin", equalTo("listening"));

        // Only the discovered facts change: a host firewall now drops 8080 and metrics listen on 9100, allowed only
        // from the private network. Exposure falls back to internal.
        FirewallFacts nftables = new FirewallFacts("nftables", true, List.of(new OpenPort(9100, "tcp", List.of("10.0.0.0/8"))));
        DiscoveredExposure filtered = new DiscoveredExposure(List.of(tcp("0.0.0.0", 443), tcp("::", 8080), tcp("0.0.0.0", 9100)), nftables);
        fixtures.publish(check2(id, now.minus(Duration.ofHours(3)), CheckOutcome.REBOOT_REQUIRED, since, "boot-1",
                List.of("libc6"), List.of(), SENTINEL, null, filtered));

        PriorityAssessed second = fixtures.awaitAssessment(id, a -> a.sequence() == 2);
        assertThat(second.exposure()).isEqualTo(Exposure.INTERNAL);
        assertThat(second.exposureFacts()).containsExactly(
                new ExposureFact(443, "tcp", "declared", "open", List.of("10.0.0.0/8"), Exposure.INTERNAL),
                new ExposureFact(8080, "tcp", "firewall", "undeclared", List.of(), Exposure.INTERNAL),
                new ExposureFact(9100, "tcp", "firewall", "undeclared", List.of("10.0.0.0/8"), Exposure.INTERNAL));

        // A new metrics rule, now also allowed from a partner's range: same exposure, same score band, same level,
        // only a fact differs — still news.
        FirewallFacts widened = new FirewallFacts("nftables", true, List.of(new OpenPort(9100, "tcp", List.of("10.0.0.0/8", "192.168.0.0/16"))));
        fixtures.publish(check2(id, now.minus(Duration.ofHours(2)), CheckOutcome.REBOOT_REQUIRED, since, "boot-1",
                List.of("libc6"), List.of(), SENTINEL, null, new DiscoveredExposure(filtered.listening(), widened)));
        PriorityAssessed third = fixtures.awaitAssessment(id, a -> a.sequence() == 3);
        assertThat(third.score()).isEqualTo(second.score());
        assertThat(third.level()).isEqualTo(second.level());
        assertThat(third.exposureFacts()).contains(
                new ExposureFact(9100, "tcp", "firewall", "undeclared", List.of("10.0.0.0/8", "192.168.0.0/16"), Exposure.INTERNAL));

        // An UNREACHABLE check, then one that could not see sockets (an older agent): the facts stay.
        fixtures.awaitCheckQueueDrained(id);
        fixtures.publish(check2(id, now.minus(Duration.ofHours(1)), CheckOutcome.REBOOT_REQUIRED, since, "boot-1",
                List.of("libc6"), List.of(), SENTINEL, null, null));
        fixtures.awaitCheckQueueDrained(id);
        RestartStateEntity state = fixtures.state(id);
        assertThat(state.discovered.firewall()).isEqualTo(widened);
        assertThat(state.discoveredAt).isEqualTo(now.minus(Duration.ofHours(2)));
        assertThat(state.exposureFacts).isEqualTo(third.exposureFacts());
        assertThat(state.sequence).as("nothing new to publish").isEqualTo(3);
    }

    @Test
    void servicesToRestartWithoutARebootAreALowServiceRestartUntilAClearCheck() {
        String id = uniqueId("services");
        Instant now = fixtures.now();
        fixtures.register(server(id, "shop", 1, "0.0.0.0/0"));
        fixtures.publish(check2(id, now.minus(Duration.ofHours(3)), CheckOutcome.UP_TO_DATE, null, "boot-1",
                List.of(), List.of("nginx.service", "php8.3-fpm.service"), List.of(), null, null));

        PriorityAssessed services = fixtures.awaitAssessment(id, PriorityAssessed::pending);
        assertThat(services.kind()).isEqualTo(RestartKind.SERVICES);
        assertThat(services.services()).containsExactly("nginx.service", "php8.3-fpm.service");
        assertThat(services.level()).isEqualTo(PriorityLevel.LOW);
        assertThat(services.requiredSince()).isEqualTo(now.minus(Duration.ofHours(3)));
        assertThat(services.factors().get(0).detail()).isEqualTo("services to restart, no reboot needed: nginx.service, php8.3-fpm.service");

        // Now a kernel update also needs a reboot: the service restart gives way to the reboot, which carries them.
        Livepatch livepatch = new Livepatch("canonical-livepatch", "applied", true);
        fixtures.publish(check2(id, now.minus(Duration.ofHours(2)), CheckOutcome.REBOOT_REQUIRED, now.minus(Duration.ofHours(2)), "boot-1",
                List.of("linux-image-6.8.0-50-generic"), List.of("nginx.service"), SENTINEL, livepatch, null));
        PriorityAssessed replaced = fixtures.awaitAssessment(id, a -> a.sequence() == 2);
        assertThat(replaced.pending()).isFalse();
        assertThat(replaced.kind()).isEqualTo(RestartKind.SERVICES);
        PriorityAssessed reboot = fixtures.awaitAssessment(id, a -> a.sequence() == 3);
        assertThat(reboot.kind()).isEqualTo(RestartKind.REBOOT);
        assertThat(reboot.services()).containsExactly("nginx.service");
        assertThat(reboot.livepatch()).isEqualTo(livepatch);
        assertThat(reboot.factors()).anySatisfy(f -> {
            assertThat(f.name()).isEqualTo("livepatch");
            assertThat(f.contribution()).isEqualTo(-10);
        });

        // Rebooted, nothing left to restart.
        fixtures.publish(check2(id, now, CheckOutcome.UP_TO_DATE, null, "boot-2", List.of(), List.of(), List.of(), livepatch, null));
        PriorityAssessed cleared = fixtures.awaitAssessment(id, a -> a.sequence() == 4);
        assertThat(cleared.pending()).isFalse();
        assertThat(cleared.kind()).isEqualTo(RestartKind.REBOOT);
        given().when().get("/api/priorities/{id}", id).then().statusCode(200)
                .body("pending", equalTo(false))
                .body("kind", equalTo("REBOOT"));
    }

    @Test
    void aChangedListOfServicesIsPublished() {
        String id = uniqueId("svc-list");
        Instant now = fixtures.now();
        fixtures.register(server(id, "shop", 1, "10.0.0.0/8"));
        fixtures.publish(check2(id, now.minus(Duration.ofHours(2)), CheckOutcome.UP_TO_DATE, null, "boot-1",
                List.of(), List.of("sshd.service"), List.of(), null, null));
        fixtures.awaitAssessment(id, PriorityAssessed::pending);

        fixtures.publish(check2(id, now.minus(Duration.ofHours(1)), CheckOutcome.UP_TO_DATE, null, "boot-1",
                List.of(), List.of("sshd.service", "cron.service"), List.of(), null, null));

        PriorityAssessed more = fixtures.awaitAssessment(id, a -> a.sequence() == 2);
        assertThat(more.services()).containsExactly("sshd.service", "cron.service");
        assertThat(more.requiredSince()).as("the same service restart goes on").isEqualTo(now.minus(Duration.ofHours(2)));
        given().when().get("/api/priorities/{id}", id).then().statusCode(200)
                .body("kind", equalTo("SERVICES"))
                .body("services", hasItem("cron.service"));

        fixtures.publish(check2(id, now, CheckOutcome.UP_TO_DATE, null, "boot-1", List.of(), List.of(), List.of(), null, null));
        assertThat(fixtures.awaitAssessment(id, a -> a.sequence() == 3).pending()).isFalse();
    }

    @Test
    void aCheckWithMoreSocketsThanARealServerIsDeadLetteredAndNothingIsStored() {
        String id = uniqueId("hostile");
        Instant now = fixtures.now();
        List<ListeningSocket> flood = java.util.stream.IntStream.rangeClosed(1, DiscoveredExposure.MAX_SOCKETS + 1)
                .mapToObj(port -> tcp("0.0.0.0", port)).toList();
        fixtures.publish(check2(id, now, CheckOutcome.REBOOT_REQUIRED, now, "boot-1", List.of("libc6"), List.of(), SENTINEL,
                null, new DiscoveredExposure(flood, null)));

        ReceivedEvent dead = KafkaEvents.local().awaitEvents(Topics.deadLetter(Topics.CHECKS), Fixtures.WAIT,
                e -> id.equals(e.key()), 1).get(0);
        assertThat(dead.headers().get(CloudEventHeaders.DEAD_LETTER_REASON)).contains("4097 listening sockets");
        assertThat(fixtures.state(id)).isNull();
    }

    private static ListeningSocket tcp(String address, int port) {
        return new ListeningSocket("tcp", address, port);
    }
}
