package io.restartwatch.notification;

import static io.restartwatch.notification.Assessments.done;
import static io.restartwatch.notification.Assessments.pending;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.testsupport.LocalInfraResource;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "notification"))
class MetricsTest {

    /** No other test uses this combination, so its gauge is this test's alone. */
    private static final String RESTRICTED_MEDIUM = "restartwatch_pending_restarts{exposure=\"RESTRICTED\",kind=\"REBOOT\",level=\"MEDIUM\"}";
    private static final String RESTRICTED_MEDIUM_SERVICES = "restartwatch_pending_restarts{exposure=\"RESTRICTED\",kind=\"SERVICE_RESTART\",level=\"MEDIUM\"}";
    private static final String UNVERIFIED = "restartwatch_unverified_servers";
    private static final String OLDEST = "restartwatch_oldest_pending_seconds";
    /** Older than anything another test opens, so it is the oldest pending restart. */
    private static final Duration ANCIENT = Duration.ofDays(400);

    private final Assessments assessments = new Assessments();
    private final FreshnessEvents freshness = new FreshnessEvents();

    @Test
    void gaugesCountPendingRestartsByLevelAndExposureAndTheOldestAge() {
        String app = Assessments.unique("metrics");
        assertThat(metric(RESTRICTED_MEDIUM)).isZero();

        assessments.publish(pending(app + "-1", 1, app, PriorityLevel.MEDIUM, 40, Exposure.RESTRICTED, ANCIENT));
        assessments.publish(pending(app + "-2", 1, app, PriorityLevel.MEDIUM, 42, Exposure.RESTRICTED, Duration.ofDays(2)));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(metric(RESTRICTED_MEDIUM)).isEqualTo(2));
        assertThat(metric(OLDEST)).isBetween((double) ANCIENT.toSeconds(), (double) ANCIENT.plusMinutes(5).toSeconds());

        assessments.publish(done(app + "-1", 2, app));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(metric(RESTRICTED_MEDIUM)).isEqualTo(1);
            assertThat(metric(OLDEST)).isLessThan((double) ANCIENT.toSeconds());
        });
    }

    @Test
    void unverifiedServersAreCountedApartFromPendingRestarts() {
        String app = Assessments.unique("metrics-blind");
        String blind = app + "-1";
        String services = app + "-2";
        assertThat(metrics()).contains("# HELP restartwatch_unverified_servers Servers Restart Watch cannot vouch for")
                .contains("# TYPE restartwatch_unverified_servers gauge");
        double servicesBefore = metric(RESTRICTED_MEDIUM_SERVICES);

        freshness.publish(FreshnessEvents.unverified(blind, 1, app, "AGENT_SILENT", null, Duration.ofHours(5)));
        assessments.publish(Assessments.servicesPending(services, 1, app, PriorityLevel.MEDIUM, 44, Exposure.RESTRICTED,
                Duration.ofHours(2), java.util.List.of("nginx.service")));
        await().atMost(Duration.ofSeconds(30)).until(() -> openUnverified().contains(blind));
        // The gauge is every open UNVERIFIED notification (other tests' too), and this one among them.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(metric(UNVERIFIED)).isEqualTo(openUnverified().size()).isGreaterThanOrEqualTo(1);
            assertThat(metric(RESTRICTED_MEDIUM_SERVICES)).isEqualTo(servicesBefore + 1);
        });
        double withBlind = metric(UNVERIFIED);

        freshness.publish(FreshnessEvents.verified(blind, 2, app));
        await().atMost(Duration.ofSeconds(30)).until(() -> !openUnverified().contains(blind));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(metric(UNVERIFIED)).isEqualTo(openUnverified().size()).isLessThan(withBlind));
    }

    private static java.util.List<String> openUnverified() {
        return given().queryParam("status", "OPEN").queryParam("kind", "UNVERIFIED").queryParam("size", 500)
                .when().get("/api/notifications").then().statusCode(200).extract().jsonPath().getList("items.serverId", String.class);
    }

    private static String metrics() {
        return given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The sample's value in the Prometheus text format, 0 when absent. */
    private static double metric(String sample) {
        String body = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher value = Pattern.compile("^" + Pattern.quote(sample) + " (\\S+)$", Pattern.MULTILINE).matcher(body);
        return value.find() ? Double.parseDouble(value.group(1)) : 0;
    }
}
