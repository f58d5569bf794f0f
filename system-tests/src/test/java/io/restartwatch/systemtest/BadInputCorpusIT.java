package io.restartwatch.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.restartwatch.localstack.FakeServerRoot;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A corpus of bad requests against every operation of every service, generated from each running service's own
 * OpenAPI document ({@link BadRequests}): path parameters and query values that break their documented schema, malformed,
 * oversized, wrongly typed bodies and bodies missing required fields, wrong content types, Accept headers and methods,
 * no or bogus credentials; and raw request lines ({@link RawHttp}) with a literal {@code ../}, control characters and
 * raw bytes, which an HTTP client library refuses to send. Everything goes over a plain socket, so what is counted is
 * what reached the server; each distinct input (method, raw target, the headers that matter, body) is sent once.
 *
 * <p>No answer may be 2xx or 5xx. Bad input with valid credentials (the admin key; an agent token and pipeline tokens
 * on the endpoints with their own) must get past authentication, and no credentials must get 401. Every 4xx must be
 * problem+json, with one exception, counted apart as {@code http_layer_bare}: a request line that breaks HTTP/1.1's
 * grammar (a control character, a space or a character RFC 3986 forbids in the target, a malformed percent-encoding such
 * as {@code %zz}, no version) is refused by the HTTP layer with a bare 400 before the router or any code of ours runs,
 * and Quarkus lets no application replace that answer (quarkus#55082, see service-support's OversizedRequestProblems).
 * Such a line may get problem+json too when the HTTP layer lets it through. The router's own answers (a target that is
 * not an absolute path, no route) are problem+json (service-support's RouterFailureProblems). Every service must still
 * be ready afterwards.
 *
 * <p>Prints {@code corpus distinct=N 5xx=N 2xx=N problem_json=N} to stdout and to {@code target/corpus.txt}.
 */
class BadInputCorpusIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static SystemUnderTest system;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * Restart policies, limits and plans the design refuses, each with the status it must get (always problem+json):
     * a window overlapping another on the same day, an empty window, an unknown time zone, a percentage over 100 (or
     * 0, or not a number), a blackout that ends before it starts, a malformed duration.
     */
    static final Map<String, String> BAD_POLICIES = new java.util.LinkedHashMap<>();

    static {
        String window = "{\"days\":[\"MONDAY\"],\"start\":\"%s\",\"end\":\"%s\"}";
        BAD_POLICIES.put("overlapping windows", "{\"timeZone\":\"UTC\",\"maxUnavailable\":\"1\",\"windows\":["
                + window.formatted("22:00", "23:30") + "," + window.formatted("23:00", "01:00") + "]}");
        BAD_POLICIES.put("empty window", "{\"timeZone\":\"UTC\",\"maxUnavailable\":\"1\",\"windows\":[" + window.formatted("03:00", "03:00") + "]}");
        BAD_POLICIES.put("unknown time zone", "{\"timeZone\":\"Mars/Olympus_Mons\",\"maxUnavailable\":\"1\",\"windows\":[]}");
        BAD_POLICIES.put("percentage over 100", "{\"timeZone\":\"UTC\",\"maxUnavailable\":\"150%\",\"windows\":[]}");
        BAD_POLICIES.put("zero percent", "{\"timeZone\":\"UTC\",\"maxUnavailable\":\"0%\",\"windows\":[]}");
        BAD_POLICIES.put("not a number", "{\"timeZone\":\"UTC\",\"maxUnavailable\":\"many\",\"windows\":[]}");
        BAD_POLICIES.put("blackout ending before it starts", "{\"timeZone\":\"UTC\",\"maxUnavailable\":\"1\",\"windows\":[],"
                + "\"blackouts\":[{\"from\":\"2027-01-02T00:00:00Z\",\"to\":\"2027-01-01T00:00:00Z\",\"reason\":\"freeze\"}]}");
        BAD_POLICIES.put("malformed timeout", "{\"timeZone\":\"UTC\",\"maxUnavailable\":\"1\",\"windows\":[],\"restartTimeout\":\"15 minutes\"}");
        BAD_POLICIES.put("window on no day", "{\"timeZone\":\"UTC\",\"maxUnavailable\":\"1\",\"windows\":[{\"days\":[\"FUNDAY\"],\"start\":\"01:00\",\"end\":\"02:00\"}]}");
        BAD_POLICIES.put("time out of range", "{\"timeZone\":\"UTC\",\"maxUnavailable\":\"1\",\"windows\":[" + window.formatted("25:00", "26:00") + "]}");
    }

    @BeforeAll
    static void start() throws Exception {
        // One service after the other: five JVMs starting at once on a loaded 2-core machine can each miss the deadline.
        system = new SystemUnderTest().startOneByOne(Map.of());
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    /** At least this many distinct bad requests (issue 15: across all five services). */
    private static final int MINIMUM_DISTINCT = 1_000;

    @Test
    void noBadRequestGetsA2xxOrA5xxAndEveryErrorIsProblemJson() throws Exception {
        Credentials credentials = credentials();
        Map<String, BadRequests.BadRequest> corpus = new LinkedHashMap<>();
        Map<String, Integer> operations = new LinkedHashMap<>();
        for (String service : system.servicePorts.keySet()) {
            HttpResponse<String> openApi = HTTP.send(HttpRequest.newBuilder(URI.create(system.url(service) + "/q/openapi?format=json"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(openApi.statusCode()).as(service + " /q/openapi").isEqualTo(200);
            BadRequests generator = new BadRequests(service, JSON.readTree(openApi.body()), path -> credentials.forPath(service, path), corpus);
            operations.put(service, generator.generate());
            generator.rawLines();
        }
        assertThat(operations.values()).as("operations per service %s", operations).allMatch(count -> count > 0);

        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        int fiveXx = 0;
        int twoXx = 0;
        int problemJson = 0;
        int httpLayerBare = 0;
        for (BadRequests.BadRequest request : corpus.values()) {
            RawHttp.Answer answer = RawHttp.send(system.servicePorts.get(request.service()), request.requestLine(),
                    headerBytes(credentials.rotate(request)), request.body());
            statuses.merge(answer.status(), 1, Integer::sum);
            String seen = answer.status() + " " + answer.contentType() + " for " + request.describe() + " → " + abbreviate(answer.body());
            if (answer.status() >= 500) {
                fiveXx++;
                failures.add("5xx: " + seen);
            } else if (answer.status() >= 200 && answer.status() < 300) {
                twoXx++;
                failures.add("2xx to bad input: " + seen);
            } else if (answer.status() < 400) {
                failures.add("not an error: " + seen);
            } else if (answer.problemJson()) {
                problemJson++;
                String expectation = expectationFailure(request, answer);
                if (expectation != null) {
                    failures.add(expectation + ": " + seen);
                }
            } else if (request.httpLayer() && answer.status() == 400 && answer.contentType().isEmpty()) {
                httpLayerBare++;
            } else {
                failures.add("not problem+json: " + seen);
            }
        }
        String line = "corpus distinct=%d 5xx=%d 2xx=%d problem_json=%d".formatted(corpus.size(), fiveXx, twoXx, problemJson);
        System.out.println(line);
        System.out.printf("Bad-input corpus detail: operations %s, statuses %s, http_layer_bare=%d (request lines the HTTP decoder refuses), "
                + "failures %d%n", operations, statuses, httpLayerBare, failures.size());
        Files.writeString(system.root.resolve("system-tests/target/corpus.txt"), line + "\n");
        assertThat(failures).as("bad requests answered wrongly").isEmpty();
        assertThat(corpus).as("distinct bad requests").hasSizeGreaterThanOrEqualTo(MINIMUM_DISTINCT);
        assertThat(problemJson + httpLayerBare).as("every answer accounted for").isEqualTo(corpus.size());
        system.awaitAllReady();
        for (String service : system.servicePorts.keySet()) {
            HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(system.url(service) + "/q/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).as(service).isEqualTo(200);
        }
    }

    /** Null if the answer fits what the request's credentials call for. */
    private static String expectationFailure(BadRequests.BadRequest request, RawHttp.Answer answer) {
        return switch (request.expect()) {
            case PAST_AUTHENTICATION -> answer.status() == 401 ? "valid credentials rejected (the input never reached validation)"
                    : answer.status() == 429 ? "rate-limited before validation" : null;
            case UNAUTHENTICATED -> answer.status() == 401 ? null : "expected 401 without valid credentials";
            case ANY_4XX -> null;
        };
    }

    private static byte[] headerBytes(Map<String, String> headers) {
        StringBuilder text = new StringBuilder();
        headers.forEach((name, value) -> text.append(name).append(": ").append(value).append("\r\n"));
        return text.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * plan-service's own rules: every policy the design refuses gets 400 problem+json and leaves the stored policy as it
     * was; bad fleet limits get 400; a plan's illegal transitions (approving a cancelled plan, resuming it, cancelling it
     * twice) get 409 problem+json, an unknown plan 404.
     */
    @Test
    void planServiceRefusesBadPoliciesAndLimitsAndIllegalPlanTransitions() throws Exception {
        String app = "corpus-plan";
        HttpResponse<String> valid = HTTP.send(adminRequest("plan-service", "/api/restart-policies/" + app).PUT(HttpRequest.BodyPublishers.ofString(
                "{\"timeZone\":\"Europe/Berlin\",\"maxUnavailable\":\"2\",\"windows\":[{\"days\":[\"TUESDAY\"],\"start\":\"22:00\",\"end\":\"02:00\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(valid.statusCode()).as(valid.body()).isEqualTo(200);

        List<String> failures = new ArrayList<>();
        for (var bad : BAD_POLICIES.entrySet()) {
            HttpResponse<String> response = HTTP.send(adminRequest("plan-service", "/api/restart-policies/" + app)
                    .PUT(HttpRequest.BodyPublishers.ofString(bad.getValue())).build(), HttpResponse.BodyHandlers.ofString());
            expect(failures, bad.getKey(), response, 400);
        }
        for (String limits : List.of("{\"maxConcurrent\":0}", "{\"maxConcurrent\":-3}", "{\"maxConcurrent\":\"ten\"}",
                "{\"maxConcurrent\":5,\"blackouts\":[{\"from\":\"2027-01-02T00:00:00Z\",\"to\":\"2027-01-01T00:00:00Z\",\"reason\":\"x\"}]}")) {
            HttpResponse<String> response = HTTP.send(adminRequest("plan-service", "/api/restart-limits")
                    .PUT(HttpRequest.BodyPublishers.ofString(limits)).build(), HttpResponse.BodyHandlers.ofString());
            expect(failures, "limits " + limits, response, 400);
        }
        HttpResponse<String> stored = HTTP.send(adminRequest("plan-service", "/api/restart-policies/" + app).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(stored.statusCode()).isEqualTo(200);
        assertThat(stored.body()).as("the policy after the refused ones").contains("Europe/Berlin").contains("\"maxUnavailable\":\"2\"");

        // A plan needs a pending server: a local one with the sentinel, checked at registration.
        FakeServerRoot.write(system.fleetDir.resolve("corpus-plan-1"), 3, List.of("libssl3"));
        HttpResponse<String> registered = HTTP.send(adminRequest("check-service", "/api/servers").POST(HttpRequest.BodyPublishers.ofString(
                "{\"id\":\"corpus-plan-1\",\"hostname\":\"corpus-plan-1.example.com\",\"applicationId\":\"" + app + "\","
                        + "\"environment\":\"production\",\"probeKind\":\"local\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        String selection = "{\"application\":\"" + app + "\"}";
        Awaitility.await("corpus-plan-1 pending in plan-service").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() ->
                HTTP.send(adminRequest("plan-service", "/api/plans/preview").POST(HttpRequest.BodyPublishers.ofString(selection)).build(),
                        HttpResponse.BodyHandlers.ofString()).body().contains("corpus-plan-1"));
        HttpResponse<String> created = HTTP.send(adminRequest("plan-service", "/api/plans").POST(HttpRequest.BodyPublishers.ofString(selection)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String plan = io.restassured.path.json.JsonPath.from(created.body()).getString("planId");
        assertThat(plan).as(created.body()).isNotBlank();
        HttpResponse<String> cancelled = transition(plan, "cancel");
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        expect(failures, "approving a cancelled plan", transition(plan, "approve"), 409);
        expect(failures, "resuming a cancelled plan", transition(plan, "resume"), 409);
        expect(failures, "cancelling a cancelled plan", transition(plan, "cancel"), 409);
        expect(failures, "pausing a cancelled plan", transition(plan, "pause"), 409);
        expect(failures, "approving an unknown plan", transition("00000000-0000-0000-0000-000000000000", "approve"), 404);
        System.out.printf("plan-service bad input: %d policies, 4 limits, 5 transitions refused; failures %d%n", BAD_POLICIES.size(), failures.size());
        assertThat(failures).isEmpty();
    }

    private static HttpResponse<String> transition(String plan, String action) throws Exception {
        return HTTP.send(adminRequest("plan-service", "/api/plans/" + plan + "/" + action).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(List<String> failures, String what, HttpResponse<String> response, int status) {
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (response.statusCode() != status || !type.startsWith("application/problem+json")) {
            failures.add(what + ": expected " + status + " problem+json, got " + response.statusCode() + " " + type + " " + abbreviate(response.body()));
        }
    }

    /** Stands for a pipeline token in generated requests; {@link Credentials#rotate} puts a real one in. */
    private static final String PIPELINE_TOKEN = "Bearer <pipeline token>";
    /** A pipeline's burst is 30 deploys (restartwatch.deploy-hook.rate-limit.burst): stay well under it. */
    private static final int REQUESTS_PER_PIPELINE = 20;

    /**
     * The Authorization values that get past authentication: the admin key on every secured operation, an agent token
     * (of the registered server corpus-agent) on check-service's agent endpoints, pipeline tokens on /api/deploys (a new
     * pipeline every {@value #REQUESTS_PER_PIPELINE} requests, so the rate limit never answers before validation does).
     * The GitHub/GitLab hooks have no secret configured in this run: their bad input goes without credentials.
     */
    private static final class Credentials {

        private final String admin = system.adminAuthorization();
        private final String agent;
        private String pipeline;
        private int pipelineUses;
        private int pipelines;

        Credentials(String agent) {
            this.agent = agent;
        }

        String forPath(String service, String path) {
            if (service.equals("check-service") && path.startsWith("/api/agent/")) {
                return agent;
            }
            if (service.equals("deploy-hook-service") && path.equals("/api/deploys")) {
                return PIPELINE_TOKEN;
            }
            if (service.equals("deploy-hook-service") && path.startsWith("/api/hooks/")) {
                return null;
            }
            return admin;
        }

        /** The request's headers, a real pipeline token in place of {@link #PIPELINE_TOKEN}. */
        Map<String, String> rotate(BadRequests.BadRequest request) throws Exception {
            if (!PIPELINE_TOKEN.equals(request.headers().get("Authorization"))) {
                return request.headers();
            }
            if (pipeline == null || pipelineUses == REQUESTS_PER_PIPELINE) {
                String id = "corpus-ci-" + ++pipelines;
                HttpResponse<String> created = HTTP.send(adminRequest("deploy-hook-service", "/api/pipelines").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"id\":\"" + id + "\",\"name\":\"Corpus\",\"applicationIds\":[\"*\"]}")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                pipeline = "Bearer " + token(created.body());
                pipelineUses = 0;
            }
            pipelineUses++;
            Map<String, String> headers = new LinkedHashMap<>(request.headers());
            headers.put("Authorization", pipeline);
            return headers;
        }
    }

    private static Credentials credentials() throws Exception {
        HttpResponse<String> registered = HTTP.send(adminRequest("check-service", "/api/servers").POST(HttpRequest.BodyPublishers.ofString(
                "{\"id\":\"corpus-agent\",\"hostname\":\"corpus-agent.example.com\",\"applicationId\":\"corpus\","
                        + "\"environment\":\"production\",\"probeKind\":\"agent\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        HttpResponse<String> agentToken = HTTP.send(adminRequest("check-service", "/api/servers/corpus-agent/agent-token")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(agentToken.statusCode()).as(agentToken.body()).isEqualTo(200);
        return new Credentials("Bearer " + token(agentToken.body()));
    }

    private static String token(String json) {
        return json.replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
    }

    private static HttpRequest.Builder adminRequest(String service, String path) {
        return HttpRequest.newBuilder(URI.create(system.url(service) + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Authorization", system.adminAuthorization());
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
}
