package io.restartwatch.systemtest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.startsWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restartwatch.localstack.SystemProcesses;
import io.restartwatch.testsupport.TestTools;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What operators and orchestrators rely on, on every packaged service: readiness with its Kafka and database
 * checks (what Kubernetes' readiness probe and docker compose's health check call), the OpenAPI document,
 * Swagger UI (off in production unless switched on), and Prometheus metrics (JVM, HTTP server, Kafka clients
 * and the services' own). Standard tools judge the contracts: Redocly CLI lints each OpenAPI document with its
 * {@code recommended} rules, promtool checks each metrics page (both installed by tools/ensure-tools.sh).
 */
class ObservabilityIT {

    /** Each service's main paths, as its README lists them. */
    private static final Map<String, List<String>> MAIN_PATHS = Map.of(
            "check-service", List.of("/api/servers", "/api/servers/{id}", "/api/servers/{id}/checks", "/api/agent/reports"),
            "priority-service", List.of("/api/priorities", "/api/priorities/{serverId}", "/api/policies/{applicationId}"),
            "notification-service", List.of("/api/dashboard/notifications", "/api/servers/{serverId}/notification",
                    "/api/notifications", "/api/webhooks"),
            "deploy-hook-service", List.of("/api/deploys", "/api/pipelines", "/api/hooks/github", "/api/hooks/gitlab"));
    /** One cheap API call per service, so that http_server_requests has a sample. */
    private static final Map<String, String> SAMPLE_REQUEST = Map.of(
            "check-service", "/api/servers",
            "priority-service", "/api/priorities",
            "notification-service", "/api/dashboard/notifications",
            "deploy-hook-service", "/api/pipelines");
    /** Readiness checks that fail when Kafka is unreachable: the consumers' channels, the outbox relay, the client check. */
    private static final List<String> KAFKA_CHECKS = List.of("SmallRye Reactive Messaging - readiness check", "outbox-relay",
            "Kafka connection health check");
    private static final String DATABASE_CHECK = "Database connections health check";

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
    void everyServiceIsReadyWithItsKafkaAndDatabaseChecksUp() {
        for (String service : MAIN_PATHS.keySet()) {
            JsonPath health = given().baseUri(system.url(service)).when().get("/q/health/ready")
                    .then().log().ifValidationFails().statusCode(200).extract().jsonPath();
            assertThat(health.getString("status")).as(service).isEqualTo("UP");
            List<Map<String, Object>> checks = health.getList("checks");
            assertThat(checks).as(service + " readiness checks")
                    .anySatisfy(check -> {
                        assertThat(check.get("name")).isEqualTo(DATABASE_CHECK);
                        assertThat(check.get("status")).isEqualTo("UP");
                    })
                    .anySatisfy(check -> {
                        assertThat(KAFKA_CHECKS).contains((String) check.get("name"));
                        assertThat(check.get("status")).isEqualTo("UP");
                    });
            given().baseUri(system.url(service)).when().get("/q/health/live").then().statusCode(200);
            given().baseUri(system.url(service)).when().get("/q/health/started").then().statusCode(200);
        }
    }

    @Test
    void everyServiceDescribesItsApiInOpenApi() {
        MAIN_PATHS.forEach((service, paths) -> {
            JsonPath openApi = given().baseUri(system.url(service)).accept(ContentType.JSON).when().get("/q/openapi?format=json")
                    .then().log().ifValidationFails().statusCode(200).extract().jsonPath();
            assertThat(openApi.getString("openapi")).as(service).startsWith("3.");
            assertThat(openApi.getString("info.title")).isEqualTo("Restart Watch " + service);
            Map<String, Object> documented = openApi.getMap("paths");
            assertThat(documented).as(service + " paths").containsKeys(paths.toArray(String[]::new));
            // Nothing internal leaks into the public API description.
            assertThat(documented.keySet()).noneMatch(path -> path.startsWith("/q/"));
            // A packaged service runs in production, where Swagger UI is off by default.
            given().baseUri(system.url(service)).when().get("/q/swagger-ui/").then().statusCode(404);
        });
    }

    @Test
    void swaggerUiIsServedInProductionWhenSwitchedOn() throws Exception {
        int port = system.startInstance("priority-service", "priority-service-swagger-ui", Map.of("QUARKUS_SWAGGER_UI_ENABLED", "true"));
        String swaggerUi = given().baseUri("http://127.0.0.1:" + port).when().get("/q/swagger-ui/")
                .then().statusCode(200).extract().asString();
        assertThat(swaggerUi).containsIgnoringCase("swagger");
    }

    @Test
    void everyServiceExposesPrometheusMetrics() {
        MAIN_PATHS.keySet().forEach(service -> {
            system.asAdmin(service).when().get(SAMPLE_REQUEST.get(service)).then().statusCode(lessThan(500));
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                // The classic Prometheus text format (Prometheus itself may negotiate OpenMetrics).
                String metrics = given().baseUri(system.url(service)).accept("text/plain").when().get("/q/metrics")
                        .then().statusCode(200).contentType(startsWith("text/plain")).extract().asString();
                assertThat(metrics).as(service)
                        .contains("jvm_memory_used_bytes", "jvm_gc_pause_seconds", "process_cpu_usage")
                        .contains("http_server_requests_seconds_count");
            });
        });
    }

    @Test
    void consumersExposeKafkaClientMetricsIncludingLag() {
        for (String consumer : List.of("check-service", "priority-service", "notification-service")) {
            String metrics = given().baseUri(system.url(consumer)).when().get("/q/metrics").then().statusCode(200).extract().asString();
            assertThat(metrics).as(consumer)
                    .contains("kafka_consumer_fetch_manager_records_lag_max")
                    .contains("kafka_consumer_fetch_manager_records_consumed_total");
        }
    }

    @Test
    void notificationServiceExposesThePendingRestartGauges() {
        String metrics = given().baseUri(system.url("notification-service")).when().get("/q/metrics")
                .then().statusCode(200).extract().asString();
        assertThat(metrics)
                .contains("restartwatch_pending_restarts{", "level=\"CRITICAL\"", "exposure=\"PUBLIC\"")
                .contains("restartwatch_oldest_pending_seconds");
    }

    @Test
    void everyOpenApiDocumentPassesRedoclysRecommendedRulesWithoutError() throws Exception {
        Path redocly = TestTools.ensure("redocly");
        Path dir = Files.createDirectories(Path.of("target", "openapi-lint").toAbsolutePath());
        for (String service : SystemProcesses.SERVICES) {
            // The document as served, the one client generators and API gateways read.
            Path document = dir.resolve(service + ".yaml");
            Files.writeString(document, given().baseUri(system.url(service)).when().get("/q/openapi")
                    .then().statusCode(200).extract().asString());
            Path report = dir.resolve(service + ".lint.json");
            Run lint = run(report, redocly.toString(), "lint", "--extends", "recommended", "--format", "json", document.toString());
            JsonPath totals = JsonPath.from(Files.readString(report, StandardCharsets.UTF_8));
            int errors = totals.getInt("totals.errors");
            int warnings = totals.getInt("totals.warnings");
            System.out.printf("openapi-lint service=%s rules=recommended errors=%d warnings=%d%n", service, errors, warnings);
            assertThat(errors).as(service + ": Redocly errors, see " + report + "\n" + lint.stderr()).isZero();
            assertThat(lint.exitCode()).as(service + " redocly lint exit code\n" + lint.stderr()).isZero();
            assertThat(totals.getList("problems")).as(service + " problems").hasSize(warnings);
        }
    }

    /**
     * Restart Watch's own series ({@code restartwatch_*}) pass promtool's lint with no problem. The libraries' series
     * (Kafka clients' {@code _ns}/{@code _ms} names, Agroal's milliseconds, Netty's missing help) keep their upstream
     * names, which dashboards and alerts know them by: their problems are counted, not failed.
     */
    @Test
    void everyMetricsPagePassesPromtool() throws Exception {
        Path promtool = TestTools.ensure("promtool");
        Path dir = Files.createDirectories(Path.of("target", "metrics-check").toAbsolutePath());
        for (String service : SystemProcesses.SERVICES) {
            // The classic Prometheus text format, what promtool reads.
            Path metrics = dir.resolve(service + ".txt");
            Files.writeString(metrics, given().baseUri(system.url(service)).accept("text/plain").when().get("/q/metrics")
                    .then().statusCode(200).extract().asString());
            Path output = dir.resolve(service + ".promtool.txt");
            Run check = run(output, "sh", "-c", "exec \"$0\" check metrics < \"$1\"", promtool.toString(), metrics.toString());
            // promtool prints one "<metric> <problem>" line per problem (on stdout or stderr, by version).
            List<String> problems = java.util.stream.Stream.concat(Files.readAllLines(output, StandardCharsets.UTF_8).stream(),
                    check.stderr().lines()).filter(line -> !line.isBlank()).toList();
            List<String> own = problems.stream().filter(line -> line.startsWith("restartwatch_")).toList();
            System.out.printf("promtool-check-metrics service=%s own_problems=%d library_problems=%d%n",
                    service, own.size(), problems.size() - own.size());
            assertThat(own).as(service + ": promtool check metrics on Restart Watch's own series").isEmpty();
        }
    }

    /** Runs a tool with its standard output in {@code stdout}; no network, no telemetry. */
    private static Run run(Path stdout, String... command) throws IOException, InterruptedException {
        Path stderr = Files.createTempFile("tool-", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().put("REDOCLY_TELEMETRY", "off");
        builder.environment().put("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within 5 minutes");
        }
        String errors = Files.readString(stderr, StandardCharsets.UTF_8);
        Files.deleteIfExists(stderr);
        return new Run(process.exitValue(), errors);
    }

    private record Run(int exitCode, String stderr) {
    }
}
