package io.restartwatch.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.restartwatch.localstack.FakeServerRoot;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A corpus of malformed requests against every endpoint of every service: broken JSON, wrong types, huge
 * and deeply nested bodies, unicode and control characters, SQL/HTML injection and path traversal in ids,
 * missing and bad credentials, wrong content types, bad query values. None may answer 5xx, every error must
 * be problem+json, and every service must still be ready afterwards. Bad input is sent with valid credentials
 * (the admin key; an agent token and a pipeline token on the endpoints with their own), so that it reaches
 * validation rather than stopping at a 401; only the credential cases send missing or bad credentials.
 */
class BadInputCorpusIT {

    private static SystemUnderTest system;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static final List<String> BAD_IDS = List.of("'; DROP TABLE server; --", "<script>alert(1)</script>", "../../etc/passwd",
            "..%2F..%2Fetc%2Fpasswd", "Ω≈ç√∫ü", "nul\u0000byte", "tab\tand\nnewline", "x".repeat(5000), "UPPER", " ", "😀", "%00",
            "1 OR 1=1", "${jndi:ldap://x/a}", "{{7*7}}");

    static final List<String> BAD_BODIES = List.of("", "{", "[]", "null", "\"text\"", "{\"id\":", "{\"id\":123,\"hostname\":[]}",
            "{\"applicationId\":{\"$ne\":null}}", "\u0000\u0001\u0002", "{\"id\":\"x\"}}}}", "[".repeat(5000) + "]".repeat(5000),
            "{\"note\":\"" + "é".repeat(40_000) + "\"}", "{\"a\":\"\\ud800\"}", "<xml>not json</xml>", "{\"id\":\"<img src=x onerror=alert(1)>\"}",
            "{\"staleAfter\":\"P-1D\",\"criticalAfter\":\"forever\"}", "{\"until\":\"yesterday\"}", "{\"url\":\"file:///etc/passwd\"}",
            "{\"id\":\"" + "a".repeat(70_000) + "\"}");

    record Endpoint(String service, String method, String path, boolean body) {
    }

    /** A request of the corpus, and whether it carries valid credentials for its endpoint. */
    private record Case(HttpRequest request, boolean authenticated) {
    }

    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("check-service", "POST", "/api/servers", true),
            new Endpoint("check-service", "PUT", "/api/servers/{id}", true),
            new Endpoint("check-service", "GET", "/api/servers/{id}", false),
            new Endpoint("check-service", "DELETE", "/api/servers/{id}", false),
            new Endpoint("check-service", "POST", "/api/servers/{id}/agent-token", false),
            new Endpoint("check-service", "GET", "/api/servers/{id}/checks", false),
            new Endpoint("check-service", "POST", "/api/servers/{id}/checks", false),
            new Endpoint("check-service", "POST", "/api/agent/reports", true),
            new Endpoint("priority-service", "GET", "/api/priorities/{id}", false),
            new Endpoint("priority-service", "GET", "/api/policies/{id}", false),
            new Endpoint("priority-service", "PUT", "/api/policies/{id}", true),
            new Endpoint("priority-service", "DELETE", "/api/policies/{id}", false),
            new Endpoint("notification-service", "GET", "/api/servers/{id}/notification", false),
            new Endpoint("notification-service", "GET", "/api/servers/{id}/notifications", false),
            new Endpoint("notification-service", "GET", "/api/servers/{id}/timeline", false),
            new Endpoint("notification-service", "GET", "/api/applications/{id}/notifications", false),
            new Endpoint("notification-service", "POST", "/api/notifications/{id}/acknowledge", true),
            new Endpoint("notification-service", "POST", "/api/notifications/{id}/snooze", true),
            new Endpoint("notification-service", "POST", "/api/webhooks", true),
            new Endpoint("notification-service", "GET", "/api/webhooks/{id}/deliveries", false),
            new Endpoint("deploy-hook-service", "POST", "/api/deploys", true),
            new Endpoint("deploy-hook-service", "POST", "/api/pipelines", true),
            new Endpoint("deploy-hook-service", "POST", "/api/pipelines/{id}/rotate", false),
            new Endpoint("deploy-hook-service", "DELETE", "/api/pipelines/{id}", false),
            new Endpoint("deploy-hook-service", "POST", "/api/hooks/github", true),
            new Endpoint("deploy-hook-service", "POST", "/api/hooks/gitlab", true),
            new Endpoint("plan-service", "PUT", "/api/restart-policies/{id}", true),
            new Endpoint("plan-service", "GET", "/api/restart-policies/{id}", false),
            new Endpoint("plan-service", "DELETE", "/api/restart-policies/{id}", false),
            new Endpoint("plan-service", "PUT", "/api/restart-limits", true),
            new Endpoint("plan-service", "POST", "/api/plans/preview", true),
            new Endpoint("plan-service", "POST", "/api/plans", true),
            new Endpoint("plan-service", "GET", "/api/plans/{id}", false),
            new Endpoint("plan-service", "POST", "/api/plans/{id}/approve", false),
            new Endpoint("plan-service", "POST", "/api/plans/{id}/pause", false),
            new Endpoint("plan-service", "POST", "/api/plans/{id}/resume", false),
            new Endpoint("plan-service", "POST", "/api/plans/{id}/cancel", false),
            new Endpoint("plan-service", "POST", "/api/restarts/{id}/started", false),
            new Endpoint("plan-service", "POST", "/api/restarts/{id}/failed", true));

    static final List<String> BAD_QUERIES = List.of(
            "check-service /api/servers?applicationId=%27%3B--",
            "check-service /api/servers/x/checks?limit=-1",
            "check-service /api/servers/x/checks?limit=99999999999999999999",
            "priority-service /api/priorities?level=URGENT",
            "priority-service /api/priorities?surface=%3Cscript%3E",
            "priority-service /api/priorities?applicationId=..%2F..",
            "notification-service /api/dashboard/notifications?page=-5",
            "notification-service /api/dashboard/notifications?size=100000",
            "notification-service /api/notifications?status=MAYBE",
            "notification-service /api/notifications?since=yesterday",
            "notification-service /api/notifications?level=%00",
            "notification-service /api/notifications?page=abc",
            "notification-service /api/notifications?kind=SOMETIMES",
            "notification-service /api/servers/x/notifications?kind=%00",
            "plan-service /api/plans?status=MAYBE",
            "plan-service /api/plans?status=%3Cscript%3E",
            "plan-service /api/restart-policies/x?environment=%00",
            "plan-service /api/restart-policies/x?environment=..%2F..");

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

    static final List<Map.Entry<String, String>> BAD_AUTH = List.of(
            Map.entry("Authorization", "Bearer"), Map.entry("Authorization", "Bearer x"), Map.entry("Authorization", "Basic YWRtaW46YWRtaW4="),
            Map.entry("Authorization", "Bearer " + "A".repeat(8000)), Map.entry("Authorization", "Bearer rwk_' OR '1'='1"),
            Map.entry("Authorization", "Bearer rwk_" + "A".repeat(43)), Map.entry("Cookie", "restartwatch_key=rwk_%00"),
            Map.entry("X-RestartWatch-Signature", "sha256=zz"), Map.entry("X-Hub-Signature-256", "sha1=00"), Map.entry("X-Gitlab-Token", "\u00ff"));

    @BeforeAll
    static void start() throws Exception {
        system = new SystemUnderTest().start();
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void noMalformedRequestGetsA5xxAndEveryErrorIsProblemJson() throws Exception {
        Map<String, List<String>> credentials = credentials();
        List<Case> corpus = new ArrayList<>();
        for (Endpoint endpoint : ENDPOINTS) {
            List<String> valid = credentials.getOrDefault(endpoint.path(), List.of());
            for (String id : BAD_IDS) {
                corpus.add(build(endpoint, id, endpoint.body() ? "{}" : null, "application/json", valid, corpus.size()));
            }
            if (endpoint.body()) {
                for (String body : BAD_BODIES) {
                    corpus.add(build(endpoint, "some-id", body, "application/json", valid, corpus.size()));
                }
                for (String type : List.of("text/plain", "application/xml", "multipart/form-data; boundary=x", "application/json; charset=latin-9")) {
                    corpus.add(build(endpoint, "some-id", "{\"id\":\"x\"}", type, valid, corpus.size()));
                }
            }
            String credentialBody = endpoint.body() ? "{\"applicationId\":\"shop\",\"deployId\":\"d\",\"status\":\"completed\"}" : null;
            corpus.add(build(endpoint, "some-id", credentialBody, "application/json", null, false)); // no credentials at all
            for (var auth : BAD_AUTH) {
                corpus.add(build(endpoint, "some-id", credentialBody, "application/json", auth, false));
            }
        }
        for (String query : BAD_QUERIES) {
            String[] parts = query.split(" ", 2);
            corpus.add(new Case(HttpRequest.newBuilder(URI.create(system.url(parts[0]) + parts[1])).timeout(Duration.ofSeconds(30))
                    .header("Authorization", system.adminAuthorization()).GET().build(), true));
        }
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(200);

        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        int authenticated = 0;
        for (Case sent : corpus) {
            HttpRequest request = sent.request();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            statuses.merge(response.statusCode(), 1, Integer::sum);
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (response.statusCode() >= 500) {
                failures.add(response.statusCode() + " " + request.method() + " " + request.uri() + " → " + abbreviate(response.body()));
            } else if (response.statusCode() >= 400 && !type.startsWith("application/problem+json")) {
                failures.add("not problem+json (" + type + ") " + response.statusCode() + " " + request.method() + " " + request.uri());
            } else if (sent.authenticated() && response.statusCode() == 401) {
                // Valid credentials must get the input past authentication, or the corpus tests nothing.
                failures.add("credentials rejected: 401 " + request.method() + " " + request.uri() + " → " + abbreviate(response.body()));
            }
            authenticated += sent.authenticated() ? 1 : 0;
        }
        System.out.printf("Bad input corpus: %d requests (%d with valid credentials), statuses %s, failures %d%n", corpus.size(),
                authenticated, statuses, failures.size());
        assertThat(failures).isEmpty();
        system.awaitAllReady();
        for (String service : system.servicePorts.keySet()) {
            HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(system.url(service) + "/q/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).as(service).isEqualTo(200);
        }
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

    /**
     * Authorization values that get past authentication, per endpoint path: the admin key, except on the
     * endpoints with their own credential (an agent token for a registered agent server; pipeline tokens, two so
     * that the corpus stays within a pipeline's rate limit). GitHub/GitLab hooks have none here (no secrets
     * configured): their bad input goes without credentials.
     */
    private static Map<String, List<String>> credentials() throws Exception {
        HttpResponse<String> registered = HTTP.send(adminRequest("check-service", "/api/servers").POST(HttpRequest.BodyPublishers.ofString(
                "{\"id\":\"corpus-agent\",\"hostname\":\"corpus-agent.example.com\",\"applicationId\":\"corpus\","
                        + "\"environment\":\"production\",\"probeKind\":\"agent\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        HttpResponse<String> agentToken = HTTP.send(adminRequest("check-service", "/api/servers/corpus-agent/agent-token")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(agentToken.statusCode()).as(agentToken.body()).isEqualTo(200);
        List<String> pipelineTokens = new ArrayList<>();
        for (String id : List.of("corpus-ci-1", "corpus-ci-2")) {
            HttpResponse<String> pipeline = HTTP.send(adminRequest("deploy-hook-service", "/api/pipelines").POST(HttpRequest.BodyPublishers.ofString(
                    "{\"id\":\"" + id + "\",\"name\":\"Corpus\",\"applicationIds\":[\"*\"]}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(pipeline.statusCode()).as(pipeline.body()).isEqualTo(201);
            pipelineTokens.add("Bearer " + token(pipeline.body()));
        }
        Map<String, List<String>> credentials = new java.util.HashMap<>();
        ENDPOINTS.forEach(endpoint -> credentials.put(endpoint.path(), List.of(system.adminAuthorization())));
        credentials.put("/api/agent/reports", List.of("Bearer " + token(agentToken.body())));
        credentials.put("/api/deploys", pipelineTokens);
        credentials.remove("/api/hooks/github");
        credentials.remove("/api/hooks/gitlab");
        return credentials;
    }

    private static String token(String json) {
        return json.replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
    }

    private static HttpRequest.Builder adminRequest(String service, String path) {
        return HttpRequest.newBuilder(URI.create(system.url(service) + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Authorization", system.adminAuthorization());
    }

    /** With one of the endpoint's valid credentials (taken in turn), or none if it has none. */
    private static Case build(Endpoint endpoint, String id, String body, String contentType, List<String> valid, int turn) {
        return valid.isEmpty() ? build(endpoint, id, body, contentType, null, false)
                : build(endpoint, id, body, contentType, Map.entry("Authorization", valid.get(turn % valid.size())), true);
    }

    /** {@code credential} is the only credential header sent (null: none). */
    private static Case build(Endpoint endpoint, String id, String body, String contentType, Map.Entry<String, String> credential,
                              boolean valid) {
        String path = endpoint.path().replace("{id}", URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"));
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(system.url(endpoint.service()) + path))
                .timeout(Duration.ofSeconds(30))
                .method(endpoint.method(), body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            builder.header("Content-Type", contentType);
        }
        if (credential != null) {
            builder.header(credential.getKey(), credential.getValue());
        }
        return new Case(builder.build(), valid);
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
}
