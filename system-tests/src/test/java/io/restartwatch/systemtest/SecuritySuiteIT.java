package io.restartwatch.systemtest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restartwatch.localstack.LoopbackPorts;
import io.restartwatch.localstack.SystemProcesses;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Access control of every operation the five packaged services publish, generated from their own OpenAPI
 * documents so that an endpoint added later is covered without touching this class: anonymous callers get 401,
 * a role too low gets 403, the role the document names gets past access control. Operations without a security
 * requirement are the ones with credentials of their own (agent token, pipeline token or HMAC, forge secrets):
 * they must refuse an anonymous caller too.
 */
class SecuritySuiteIT {

    private static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final Duration READY_WITHIN = Duration.ofSeconds(120);
    /** The five services publish about forty operations; far fewer means a document lost its paths. */
    private static final int MINIMUM_OPERATIONS = 25;
    private static final String SCHEME = "bearer";
    private static final String PROBLEM_JSON = "application/problem+json";
    private static final String PLAUSIBLE_ID = "security-suite-1";
    private static final List<String> ROLES_LOW_TO_HIGH = List.of("viewer", "operator", "admin");

    private static SystemProcesses processes;
    private static final Map<String, Integer> ports = new LinkedHashMap<>();
    private static final Map<String, JsonPath> documents = new LinkedHashMap<>();
    private static final Map<String, String> keys = new LinkedHashMap<>();
    private static final Map<String, Counts> counts = new ConcurrentHashMap<>();
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One operation as a document declares it; {@code role} is empty for operations with their own credentials. */
    record ApiOperation(String service, String method, String path, Optional<String> role, boolean hasBody, List<String> pathParameters,
                        Map<String, Map<String, Object>> parameterSchemas) {

        String name() {
            return method.toUpperCase() + " " + path + role.map(r -> " [" + r + "]").orElse(" [own credentials]");
        }
    }

    /** What a service's operations did, for the summary line. */
    static final class Counts {
        final AtomicInteger operations = new AtomicInteger();
        final AtomicInteger unauthenticated401 = new AtomicInteger();
        final AtomicInteger lowRole403 = new AtomicInteger();
        final AtomicInteger rightRoleAllowed = new AtomicInteger();
    }

    @BeforeAll
    static void startSystem() throws Exception {
        Path root = Path.of(System.getProperty("restartwatch.root", "..")).toAbsolutePath().normalize();
        Files.createDirectories(root.resolve("system-tests/target"));
        Path workDir = Files.createTempDirectory(root.resolve("system-tests/target"), "security-");
        Path fleetDir = Files.createDirectories(workDir.resolve("fleet"));
        processes = new SystemProcesses(root, workDir);
        processes.startInfrastructure();
        Map<String, Process> started = new LinkedHashMap<>();
        for (String service : SystemProcesses.SERVICES) {
            int port = LoopbackPorts.reserve();
            ports.put(service, port);
            started.put(service, processes.launch(service, processes.packagedApplication(service), port, JVM_OPTIONS, Map.of(
                    "RESTARTWATCH_PROBE_LOCAL_BASE_DIR", fleetDir.toString(),
                    // Configured, so their own signature and token checks answer (an unconfigured hook is refused with 403).
                    "RESTARTWATCH_DEPLOY_HOOK_GITHUB_SECRET", "security-suite-github-secret",
                    "RESTARTWATCH_DEPLOY_HOOK_GITLAB_SECRET", "security-suite-gitlab-token"), service));
        }
        for (String service : SystemProcesses.SERVICES) {
            processes.awaitReady(service, started.get(service), ports.get(service), READY_WITHIN);
        }
        for (String service : SystemProcesses.SERVICES) {
            documents.put(service, JsonPath.from(given().baseUri(url(service)).queryParam("format", "json")
                    .when().get("/q/openapi").then().statusCode(200).extract().asString()));
            counts.put(service, new Counts());
        }
        keys.put("admin", processes.adminKey());
        keys.put("viewer", issueKey("security-suite-viewer", "viewer"));
        keys.put("operator", issueKey("security-suite-operator", "operator"));
        awaitKeysAcceptedEverywhere();
    }

    @AfterAll
    static void stopSystem() {
        counts.forEach((service, c) -> System.out.printf(
                "security-suite service=%s operations=%d unauthenticated401=%d lowRole403=%d rightRoleAllowed=%d%n",
                service, c.operations.get(), c.unauthenticated401.get(), c.lowRole403.get(), c.rightRoleAllowed.get()));
        if (processes != null) {
            processes.close();
        }
    }

    @Test
    void theOpenApiDocumentsAreAnonymousDeclareTheBearerSchemeAndListEveryOperation() {
        for (String service : SystemProcesses.SERVICES) {
            // Fetched without credentials in startSystem(): a 401 there would have failed it.
            JsonPath document = documents.get(service);
            assertThat(document.getString("components.securitySchemes." + SCHEME + ".type")).as(service).isEqualTo("http");
            assertThat(document.getString("components.securitySchemes." + SCHEME + ".scheme")).as(service).isEqualToIgnoringCase("bearer");
            List<ApiOperation> operations = operations(service);
            assertThat(operations).as(service + " operations").isNotEmpty();
            assertThat(operations).as(service + ": every operation under /api").allMatch(op -> op.path().startsWith("/api/"));
        }
        assertThat(SystemProcesses.SERVICES.stream().mapToInt(service -> operations(service).size()).sum())
                .as("operations in all five documents").isGreaterThanOrEqualTo(MINIMUM_OPERATIONS);
        // The operations the attack in the issue used must be listed, so the generated tests below cover them.
        assertThat(operations("check-service")).extracting(ApiOperation::name)
                .contains("POST /api/servers/{id}/agent-token [admin]", "DELETE /api/servers/{id} [admin]");
    }

    @TestFactory
    Stream<DynamicNode> everyOperationIsGuardedByItsRole() {
        return SystemProcesses.SERVICES.stream().map(service -> DynamicContainer.dynamicContainer(service,
                operations(service).stream().map(op -> DynamicContainer.dynamicContainer(op.name(), accessChecks(op)))));
    }

    @Test
    void theAttackInTheIssueIsRefused() throws Exception {
        String check = url("check-service");
        // A server that exists: the refusal must come from access control, not from a 404.
        given().baseUri(check).header("Authorization", "Bearer " + keys.get("admin")).contentType(ContentType.JSON).body("""
                        {"id":"attack-target-1","hostname":"attack-target-1.example.com","applicationId":"attack-app","environment":"production",
                         "openPorts":[],"probeKind":"agent"}""")
                .when().post("/api/servers").then().statusCode(201);

        for (Optional<String> key : List.of(Optional.<String>empty(), Optional.of(keys.get("viewer")), Optional.of(keys.get("operator")))) {
            int expected = key.isEmpty() ? 401 : 403;
            Answer token = call(check, "POST", "/api/servers/attack-target-1/agent-token", key, false);
            assertThat(token.status()).as("agent token with " + (key.isEmpty() ? "no credentials" : "a low role")).isEqualTo(expected);
            assertThat(token.body()).doesNotContain("\"token\"");
            Answer delete = call(check, "DELETE", "/api/servers/attack-target-1", key, false);
            assertThat(delete.status()).as("delete with " + (key.isEmpty() ? "no credentials" : "a low role")).isEqualTo(expected);
            assertThat(delete.contentType()).startsWith(PROBLEM_JSON);
        }
        // Still there, and still without a token anybody could have taken.
        given().baseUri(check).header("Authorization", "Bearer " + keys.get("viewer"))
                .when().get("/api/servers/attack-target-1").then().statusCode(200);
    }

    private static Stream<DynamicTest> accessChecks(ApiOperation op) {
        Counts serviceCounts = counts.get(op.service());
        serviceCounts.operations.incrementAndGet();
        List<DynamicTest> checks = new ArrayList<>();
        checks.add(DynamicTest.dynamicTest("no credentials: 401 problem+json", () -> {
            Answer answer = call(op, Optional.empty());
            assertThat(answer.status()).as(op.name() + " without credentials: " + answer.body()).isEqualTo(401);
            assertThat(answer.contentType()).as(op.name()).startsWith(PROBLEM_JSON);
            if (op.role().isPresent()) {
                assertThat(answer.wwwAuthenticate()).as(op.name() + " WWW-Authenticate").startsWithIgnoringCase("Bearer");
            }
            serviceCounts.unauthenticated401.incrementAndGet();
        }));
        op.role().ifPresent(role -> {
            int rank = ROLES_LOW_TO_HIGH.indexOf(role);
            for (String low : ROLES_LOW_TO_HIGH.subList(0, rank)) {
                checks.add(DynamicTest.dynamicTest(low + ": 403 problem+json", () -> {
                    Answer answer = call(op, Optional.of(keys.get(low)));
                    assertThat(answer.status()).as(op.name() + " as " + low + ": " + answer.body()).isEqualTo(403);
                    assertThat(answer.contentType()).as(op.name()).startsWith(PROBLEM_JSON);
                    serviceCounts.lowRole403.incrementAndGet();
                }));
            }
            checks.add(DynamicTest.dynamicTest(role + ": past access control", () -> {
                Answer answer = call(op, Optional.of(keys.get(role)));
                // A 5xx would hide whether access control let the call through.
                assertThat(answer.status()).as(op.name() + " as " + role + ": " + answer.body()).isNotIn(401, 403).isLessThan(500);
                serviceCounts.rightRoleAllowed.incrementAndGet();
            }));
        });
        return checks.stream();
    }

    /** Every operation of a service's document, with the lowest role its security requirement names. */
    private static List<ApiOperation> operations(String service) {
        JsonPath document = documents.get(service);
        Map<String, Map<String, Object>> paths = document.getMap("paths");
        List<ApiOperation> operations = new ArrayList<>();
        paths.forEach((path, item) -> item.forEach((method, value) -> {
            if (!List.of("get", "put", "post", "delete", "patch").contains(method)) {
                return;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> operation = (Map<String, Object>) value;
            operations.add(new ApiOperation(service, method, path, requiredRole(service, method, path, operation),
                    operation.containsKey("requestBody"), pathParameters(operation), parameterSchemas(operation)));
        }));
        return operations;
    }

    /**
     * The role from the operation's security requirement: Quarkus lists the {@code @RolesAllowed} roles as the
     * requirement's scopes. Empty when no requirement names the operator scheme (the operation has its own credentials).
     */
    @SuppressWarnings("unchecked")
    private static Optional<String> requiredRole(String service, String method, String path, Map<String, Object> operation) {
        List<Map<String, List<String>>> security = (List<Map<String, List<String>>>) operation.get("security");
        if (security == null || security.stream().noneMatch(requirement -> requirement.containsKey(SCHEME))) {
            return Optional.empty(); // no requirement, or only its own credentials (agent token, pipeline token, signature)
        }
        List<String> roles = security.stream().map(requirement -> requirement.get(SCHEME)).filter(r -> r != null)
                .flatMap(List::stream).distinct().toList();
        assertThat(roles).as("%s %s %s: roles in the security requirement %s", service, method, path, security)
                .isNotEmpty().allMatch(ROLES_LOW_TO_HIGH::contains);
        // Several roles allowed: the lowest of them is the one the operation needs.
        return roles.stream().min(java.util.Comparator.comparingInt(ROLES_LOW_TO_HIGH::indexOf));
    }

    @SuppressWarnings("unchecked")
    private static List<String> pathParameters(Map<String, Object> operation) {
        List<Map<String, Object>> parameters = (List<Map<String, Object>>) operation.getOrDefault("parameters", List.of());
        return parameters.stream().filter(p -> "path".equals(p.get("in"))).map(p -> (String) p.get("name")).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> parameterSchemas(Map<String, Object> operation) {
        List<Map<String, Object>> parameters = (List<Map<String, Object>>) operation.getOrDefault("parameters", List.of());
        Map<String, Map<String, Object>> schemas = new LinkedHashMap<>();
        parameters.stream().filter(p -> "path".equals(p.get("in")))
                .forEach(p -> schemas.put((String) p.get("name"), (Map<String, Object>) p.getOrDefault("schema", Map.of())));
        return schemas;
    }

    /** A value the parameter's schema accepts, so requests reach the resource rather than failing on the path. */
    private static String plausibleValue(Map<String, Object> schema) {
        if ("uuid".equals(schema.get("format"))) {
            return UUID.randomUUID().toString();
        }
        Object pattern = schema.get("pattern");
        if (pattern != null && pattern.toString().contains("0-9a-f")) {
            return "0123456789abcdef";
        }
        return PLAUSIBLE_ID;
    }

    private static Answer call(ApiOperation op, Optional<String> key) throws IOException, InterruptedException {
        String path = op.path();
        for (String name : op.pathParameters()) {
            path = path.replace("{" + name + "}", plausibleValue(op.parameterSchemas().get(name)));
        }
        return call(url(op.service()), op.method(), path, key, op.hasBody());
    }

    /** One request; a stream's body is not read (it would not end), only its status and headers. */
    private static Answer call(String baseUrl, String method, String path, Optional<String> key, boolean withBody)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(20))
                .method(method.toUpperCase(), withBody ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody());
        if (withBody) {
            request.header("Content-Type", "application/json");
        }
        key.ifPresent(k -> request.header("Authorization", "Bearer " + k));
        HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        String body;
        try (InputStream in = response.body()) {
            body = contentType.startsWith("text/event-stream") ? "(event stream)" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return new Answer(response.statusCode(), contentType, response.headers().firstValue("WWW-Authenticate").orElse(""), body);
    }

    record Answer(int status, String contentType, String wwwAuthenticate, String body) {
    }

    private static String issueKey(String name, String role) {
        return given().baseUri(url("notification-service")).header("Authorization", "Bearer " + processes.adminKey())
                .contentType(ContentType.JSON).body("{\"name\":\"%s\",\"roles\":[\"%s\"]}".formatted(name, role))
                .when().post("/api/keys").then().statusCode(201).extract().path("key");
    }

    /**
     * New keys travel over Kafka to every service: wait until each service authenticates both (a secured GET
     * without path parameters answers something other than 401).
     */
    private static void awaitKeysAcceptedEverywhere() {
        for (String service : SystemProcesses.SERVICES) {
            ApiOperation probe = operations(service).stream()
                    .filter(op -> op.role().isPresent() && op.method().equals("get") && op.pathParameters().isEmpty()
                            && !op.path().endsWith("/stream"))
                    .findFirst().orElseThrow(() -> new AssertionError(service + " has no secured GET to probe keys with"));
            for (String role : List.of("viewer", "operator")) {
                Awaitility.await(role + " key accepted by " + service).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> call(probe, Optional.of(keys.get(role))).status() != 401);
            }
        }
    }

    private static String url(String service) {
        return "http://127.0.0.1:" + ports.get(service);
    }
}
