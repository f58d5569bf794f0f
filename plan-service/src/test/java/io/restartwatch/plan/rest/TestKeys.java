package io.restartwatch.plan.rest;

import static io.restartwatch.testsupport.TestCredentials.as;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.restartwatch.contracts.ApiKeyChanged;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Topics;
import io.restartwatch.testsupport.KafkaEvents;
import io.restartwatch.testsupport.TestCredentials;

/**
 * API keys of a given role for plan-service's tests: plan-service does not issue keys (notification-service does),
 * it follows {@code restartwatch.apikeys}; so the test publishes the record notification-service would, and waits
 * until the key authenticates.
 */
public final class TestKeys {

    private TestKeys() {
    }

    public static String issue(String name, String role) {
        String key = "rwk_test-" + name + "-" + UUID.randomUUID().toString().replace("-", "");
        String sha256 = TestCredentials.sha256(key);
        ApiKeyChanged record = new ApiKeyChanged(ApiKeyChanged.SCHEMA_VERSION, sha256.substring(0, 16), name, sha256,
                List.of(role), Instant.now(), "tests", null, null);
        KafkaEvents.local().publish(Topics.API_KEYS, record.keyId(), EventTypes.API_KEY_ISSUED, record);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                given().filter(as(key)).when().get("/api/restart-limits").statusCode() == 200);
        return key;
    }
}
