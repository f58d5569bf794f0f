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

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A corpus of malformed requests against every endpoint of every service: broken JSON, wrong types, huge
 * and deeply nested bodies, unicode and control characters, SQL/HTML injection and path traversal in ids,
 * missing and bad credentials, wrong content types, bad query values. None may answer 5xx, every error must
 * be problem+json, and every service must still be ready afterwards.
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
            new Endpoint("notification-service", "GET", "/api/servers/{id}/notification", false),
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
            new Endpoint("deploy-hook-service", "POST", "/api/hooks/gitlab", true));

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
            "notification-service /api/notifications?page=abc");

    static final List<Map.Entry<String, String>> BAD_AUTH = List.of(
            Map.entry("Authorization", "Bearer"), Map.entry("Authorization", "Bearer x"), Map.entry("Authorization", "Basic YWRtaW46YWRtaW4="),
            Map.entry("Authorization", "Bearer " + "A".repeat(8000)), Map.entry("X-Admin-Key", "' OR '1'='1"),
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
        List<HttpRequest> corpus = new ArrayList<>();
        for (Endpoint endpoint : ENDPOINTS) {
            for (String id : BAD_IDS) {
                corpus.add(build(endpoint, id, endpoint.body() ? "{}" : null, "application/json", null));
            }
            if (endpoint.body()) {
                for (String body : BAD_BODIES) {
                    corpus.add(build(endpoint, "some-id", body, "application/json", null));
                }
                for (String type : List.of("text/plain", "application/xml", "multipart/form-data; boundary=x", "application/json; charset=latin-9")) {
                    corpus.add(build(endpoint, "some-id", "{\"id\":\"x\"}", type, null));
                }
            }
            for (var auth : BAD_AUTH) {
                corpus.add(build(endpoint, "some-id", endpoint.body() ? "{\"applicationId\":\"shop\",\"deployId\":\"d\",\"status\":\"completed\"}" : null,
                        "application/json", auth));
            }
        }
        for (String query : BAD_QUERIES) {
            String[] parts = query.split(" ", 2);
            corpus.add(HttpRequest.newBuilder(URI.create(system.url(parts[0]) + parts[1])).timeout(Duration.ofSeconds(30)).GET().build());
        }
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(200);

        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (HttpRequest request : corpus) {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            statuses.merge(response.statusCode(), 1, Integer::sum);
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (response.statusCode() >= 500) {
                failures.add(response.statusCode() + " " + request.method() + " " + request.uri() + " → " + abbreviate(response.body()));
            } else if (response.statusCode() >= 400 && !type.startsWith("application/problem+json")) {
                failures.add("not problem+json (" + type + ") " + response.statusCode() + " " + request.method() + " " + request.uri());
            }
        }
        System.out.printf("Bad input corpus: %d requests, statuses %s, failures %d%n", corpus.size(), statuses, failures.size());
        assertThat(failures).isEmpty();
        system.awaitAllReady();
        for (String service : system.servicePorts.keySet()) {
            HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(system.url(service) + "/q/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).as(service).isEqualTo(200);
        }
    }

    private static HttpRequest build(Endpoint endpoint, String id, String body, String contentType, Map.Entry<String, String> header) {
        String path = endpoint.path().replace("{id}", URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"));
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(system.url(endpoint.service()) + path))
                .timeout(Duration.ofSeconds(30))
                .method(endpoint.method(), body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            builder.header("Content-Type", contentType);
        }
        if (header != null) {
            builder.header(header.getKey(), header.getValue());
        }
        return builder.build();
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
}
