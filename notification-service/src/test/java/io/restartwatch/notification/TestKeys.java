package io.restartwatch.notification;

import static io.restartwatch.testsupport.TestCredentials.as;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.restassured.http.ContentType;

/** Issues API keys through the real admin API and waits until they authenticate (they travel through Kafka). */
final class TestKeys {

    private TestKeys() {
    }

    static String issue(String name, String... roles) {
        String key = given().contentType(ContentType.JSON).body(Map.of("name", name, "roles", List.of(roles)))
                .when().post("/api/keys")
                .then().statusCode(201).extract().path("key");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                given().filter(as(key)).when().get("/api/session").statusCode() == 200);
        return key;
    }
}
