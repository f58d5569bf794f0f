package io.restartwatch.systemtest;

import static io.restassured.RestAssured.given;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ObservabilityIT {
    private static SystemUnderTest system;

    @BeforeAll
    static void startSystem() throws Exception {
        system = new SystemUnderTest().start();
    }

    @AfterAll
    static void stopSystem() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void dump() {
        for (String s : system.servicePorts.keySet()) {
            System.out.println("=== " + s + " READY\n" + given().baseUri(system.url(s)).get("/q/health/ready").asString());
            System.out.println("=== " + s + " LIVE\n" + given().baseUri(system.url(s)).get("/q/health/live").asString());
            String metrics = given().baseUri(system.url(s)).get("/q/metrics").asString();
            System.out.println("=== " + s + " METRICS");
            metrics.lines().filter(l -> l.startsWith("# TYPE")).forEach(System.out::println);
            String oa = given().baseUri(system.url(s)).get("/q/openapi?format=json").asString();
            System.out.println("=== " + s + " OPENAPI " + oa.substring(0, Math.min(300, oa.length())));
            System.out.println("=== " + s + " SWAGGER " + given().baseUri(system.url(s)).get("/q/swagger-ui/").statusCode());
        }
    }
}
