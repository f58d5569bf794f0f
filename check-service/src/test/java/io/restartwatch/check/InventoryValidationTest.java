package io.restartwatch.check;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.UUID;
import java.util.stream.Stream;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restartwatch.testsupport.LocalInfraResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of bad inventory input is a clear problem+json answer naming the field. */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "check"))
@WithTestResource(SshTestResource.class)
class InventoryValidationTest {

    private static final String VALID = """
            {"id":"%s","hostname":"web.example.com","applicationId":"shop","environment":"production",
             "openPorts":[{"port":443,"protocol":"tcp","sources":["0.0.0.0/0"]}],"probeKind":"agent"%s}""";

    static Stream<Arguments> badBodies() {
        return Stream.of(
                Arguments.of("unknown field", VALID.formatted("v-1", ",\"colour\":\"red\""), "colour"),
                Arguments.of("invalid CIDR", VALID.formatted("v-2", "").replace("0.0.0.0/0", "10.0.0.300/8"), "openPorts[0].sources[0]"),
                Arguments.of("prefix too long", VALID.formatted("v-3", "").replace("0.0.0.0/0", "10.0.0.0/33"), "openPorts[0].sources[0]"),
                Arguments.of("not an address", VALID.formatted("v-4", "").replace("0.0.0.0/0", "example.com/8"), "openPorts[0].sources[0]"),
                Arguments.of("port above range", VALID.formatted("v-5", "").replace("\"port\":443", "\"port\":65536"), "openPorts[0].port"),
                Arguments.of("port zero", VALID.formatted("v-6", "").replace("\"port\":443", "\"port\":0"), "openPorts[0].port"),
                Arguments.of("upper-case id", VALID.formatted("Web-1", ""), "id"),
                Arguments.of("id with a slash", VALID.formatted("../etc", ""), "id"),
                Arguments.of("missing application", VALID.formatted("v-7", "").replace("\"applicationId\":\"shop\",", ""), "applicationId"),
                Arguments.of("unknown probe kind", VALID.formatted("v-8", "").replace("\"agent\"", "\"telnet\""), "probeKind"),
                Arguments.of("wrong type", VALID.formatted("v-9", "").replace("\"port\":443", "\"port\":\"https\""), "openPorts[0].port"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBodies")
    void badInputIsA400NamingTheField(String why, String body, String field) {
        given().contentType(ContentType.JSON).body(body)
                .when().post("/api/servers")
                .then().log().ifValidationFails()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("errors.field", hasItem(field));
    }

    @Test
    void malformedJsonIsA400() {
        given().contentType(ContentType.JSON).body("{\"id\": \"x\",")
                .when().post("/api/servers")
                .then().statusCode(400).contentType("application/problem+json").body("detail", containsString("Malformed JSON"));
    }

    @Test
    void anOversizedBodyIsA413() {
        String huge = VALID.formatted("v-big", ",\"labels\":{\"note\":\"" + "x".repeat(70_000) + "\"}");
        given().contentType(ContentType.JSON).body(huge)
                .when().post("/api/servers")
                .then().statusCode(413).contentType("application/problem+json").body("status", equalTo(413));
    }

    @Test
    void anUnknownServerIsA404() {
        given().when().get("/api/servers/{id}", "nobody-" + UUID.randomUUID().toString().substring(0, 8))
                .then().statusCode(404).contentType("application/problem+json").body("detail", containsString("No server"));
        given().when().delete("/api/servers/{id}", "nobody-here")
                .then().statusCode(404).contentType("application/problem+json");
        given().when().get("/api/servers/{id}/checks", "nobody-here")
                .then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void aDuplicateRegistrationIsA409() {
        String id = "dup-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON).body(VALID.formatted(id, "")).when().post("/api/servers").then().statusCode(201);
        given().contentType(ContentType.JSON).body(VALID.formatted(id, ""))
                .when().post("/api/servers")
                .then().statusCode(409).contentType("application/problem+json").body("detail", containsString(id));
    }

    @Test
    void anUpdateCannotRenameAndADeleteIsA204() {
        String id = "upd-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON).body(VALID.formatted(id, "")).when().post("/api/servers").then().statusCode(201);
        given().contentType(ContentType.JSON).body(VALID.formatted("other-id", ""))
                .when().put("/api/servers/{id}", id)
                .then().statusCode(400).contentType("application/problem+json").body("errors.field", hasItem("id"));
        given().contentType(ContentType.JSON).body(VALID.formatted(id, "").replace("0.0.0.0/0", "10.0.0.0/8"))
                .when().put("/api/servers/{id}", id)
                .then().statusCode(200).body("openPorts[0].sources[0]", equalTo("10.0.0.0/8"));
        given().when().delete("/api/servers/{id}", id).then().statusCode(204);
        given().when().get("/api/servers/{id}", id).then().statusCode(404);
    }

    @Test
    void aBadQueryParameterIsA400() {
        given().queryParam("applicationId", "Not Valid!").when().get("/api/servers")
                .then().statusCode(400).contentType("application/problem+json");
        given().queryParam("limit", 0).when().get("/api/servers/{id}/checks", "x")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void aManualRecheckOfAnAgentServerIsAConflict() {
        String id = "agent-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON).body(VALID.formatted(id, "")).when().post("/api/servers").then().statusCode(201);
        given().when().post("/api/servers/{id}/checks", id)
                .then().statusCode(409).contentType("application/problem+json");
    }
}
