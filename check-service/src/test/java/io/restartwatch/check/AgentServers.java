package io.restartwatch.check;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;

/** Servers an agent checks, registered and given their token through the API, as an operator does. */
final class AgentServers {

    private AgentServers() {
    }

    /** Registers {@code id} (in production, probed by its agent) and issues its agent token. */
    static String register(String id, String hostname, String applicationId) {
        given().contentType(ContentType.JSON).body("""
                        {"id":"%s","hostname":"%s","applicationId":"%s","environment":"production","probeKind":"agent"}"""
                        .formatted(id, hostname, applicationId))
                .when().post("/api/servers").then().log().ifValidationFails().statusCode(201);
        return token(id);
    }

    /** Issues a new agent token for the registered server {@code id}. */
    static String token(String id) {
        return given().when().post("/api/servers/{id}/agent-token", id).then().statusCode(200).extract().path("token");
    }
}
