package io.restartwatch.priority;

import static io.restassured.RestAssured.given;
import static io.restartwatch.priority.Fixtures.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.PolicyChanged;
import io.restartwatch.contracts.Topics;
import io.restartwatch.priority.domain.Policy;
import io.restartwatch.priority.messaging.PolicyPublisher;
import io.restartwatch.testsupport.KafkaEvents;
import io.restartwatch.testsupport.KafkaEvents.ReceivedEvent;
import io.restartwatch.testsupport.LocalInfraResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every policy change reaches the compacted restartwatch.policies, keyed by application id. */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "priority"))
class PolicyPublishingTest {

    private final KafkaEvents kafka = KafkaEvents.local();

    @Inject
    PolicyPublisher publisher;
    @Inject
    EntityManager entityManager;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Test
    void aPolicyPutAndDeleteArePublishedAndAnUnchangedPutIsNot() {
        String app = uniqueId("published");
        String body = """
                {"staleAfter":"P3D","criticalAfter":"P14D","multiplier":2.0,"packageWeights":{"nginx*":10}}""";
        given().contentType(ContentType.JSON).body(body).when().put("/api/policies/{app}", app).then().statusCode(200);

        PolicyChanged created = awaitPolicies(app, 1).get(0).data(PolicyChanged.class);
        assertThat(created.applicationId()).isEqualTo(app);
        assertThat(created.removed()).isFalse();
        assertThat(created.staleAfter()).isEqualTo(Duration.ofDays(3));
        assertThat(created.criticalAfter()).isEqualTo(Duration.ofDays(14));
        assertThat(created.multiplier()).isEqualTo(2.0);
        assertThat(created.packageWeights()).containsEntry("nginx*", 10).containsEntry("libc6", 15); // effective: defaults included

        // The same policy again changes nothing; then it is deleted and the defaults apply.
        given().contentType(ContentType.JSON).body(body).when().put("/api/policies/{app}", app).then().statusCode(200);
        given().when().delete("/api/policies/{app}", app).then().statusCode(204);

        List<ReceivedEvent> events = awaitPolicies(app, 2);
        assertThat(events).hasSize(2).allSatisfy(e -> assertThat(e.type()).isEqualTo(EventTypes.POLICY_CHANGED));
        PolicyChanged removed = events.get(1).data(PolicyChanged.class);
        assertThat(removed.removed()).isTrue();
        assertThat(removed.staleAfter()).isEqualTo(Policy.DEFAULT_STALE_AFTER);
        assertThat(removed.multiplier()).isEqualTo(1.0);
        assertThat(removed.packageWeights()).isEqualTo(Policy.DEFAULT_PACKAGE_WEIGHTS);
        given().when().get("/api/policies/{app}", app).then().statusCode(200).body("staleAfter", org.hamcrest.Matchers.equalTo("P7D"));
    }

    @Test
    void aPolicySetBeforeTheTopicExistedIsPublishedOnce() {
        String app = uniqueId("legacy");
        // As V5 leaves a policy stored by an earlier version: published = false.
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery("""
                        insert into application_policy (application_id, stale_after, critical_after, multiplier, package_weights, updated_at, published)
                        values (:app, 'P2D', 'P10D', 1.25, '{"openssl": 30}', now(), false)""")
                .setParameter("app", app).executeUpdate());

        assertThat(publisher.publishUnpublished()).isGreaterThanOrEqualTo(1);
        assertThat(publisher.publishUnpublished()).isZero();

        PolicyChanged legacy = awaitPolicies(app, 1).get(0).data(PolicyChanged.class);
        assertThat(legacy.removed()).isFalse();
        assertThat(legacy.staleAfter()).isEqualTo(Duration.ofDays(2));
        assertThat(legacy.multiplier()).isEqualTo(1.25);
        assertThat(legacy.packageWeights()).containsEntry("openssl", 30);
    }

    @Test
    void deletingAPolicyThatDoesNotExistIsNotFound() {
        given().when().delete("/api/policies/{app}", uniqueId("never-set"))
                .then().statusCode(404).contentType("application/problem+json");
    }

    private List<ReceivedEvent> awaitPolicies(String app, int atLeast) {
        return kafka.awaitEvents(Topics.POLICIES, Fixtures.WAIT, e -> app.equals(e.key()), atLeast);
    }
}
