package io.restartwatch.plan.alerting;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restartwatch.plan.config.PlanSettings;

/**
 * Asks Prometheus Alertmanager (API v2) whether alerts matching the configured matchers fire:
 * {@code GET /api/v2/alerts?active=true&silenced=false&inhibited=false&filter=<matcher>…} answers a JSON array of
 * alerts (each with {@code labels.alertname}). Silenced and inhibited alerts do not hold a plan, as nobody is paged
 * by them. No answer, or not a 2xx, holds the plan too (fail closed): a plan must not reboot servers while nobody
 * can tell whether the fleet is healthy.
 */
@ApplicationScoped
public class AlertmanagerClient {

    private static final int MAX_NAMES = 10;

    private final PlanSettings settings;
    private final ObjectMapper json;
    private final HttpClient http;

    public AlertmanagerClient(PlanSettings settings, ObjectMapper json) {
        this.settings = settings;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(settings.alertmanager().timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Whether alerts hold releases now. */
    public sealed interface AlertState {
        /** No Alertmanager configured, or nothing matching fires. */
        record Clear() implements AlertState {
        }

        /** @param names the firing alerts' names, sorted, the first few */
        record Firing(int count, List<String> names) implements AlertState {
        }

        record Unreachable(String detail) implements AlertState {
        }
    }

    public boolean configured() {
        return settings.alertmanager().url().filter(url -> !url.isBlank()).isPresent();
    }

    /** One question to Alertmanager; {@link AlertState.Clear} when none is configured. */
    public AlertState check() {
        if (!configured()) {
            return new AlertState.Clear();
        }
        URI uri = alertsUri(settings.alertmanager().url().orElseThrow(), settings.alertmanager().filter().orElse(List.of()));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(settings.alertmanager().timeout())
                .header("Accept", "application/json").GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new AlertState.Unreachable("Alertmanager at " + uri.getHost() + ":" + uri.getPort() + " did not answer: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new AlertState.Unreachable("interrupted while asking Alertmanager");
        }
        if (response.statusCode() / 100 != 2) {
            return new AlertState.Unreachable("Alertmanager answered HTTP " + response.statusCode() + ": " + abbreviate(response.body()));
        }
        try {
            JsonNode alerts = json.readTree(response.body());
            if (!alerts.isArray()) {
                return new AlertState.Unreachable("Alertmanager answered something other than a list of alerts");
            }
            if (alerts.isEmpty()) {
                return new AlertState.Clear();
            }
            TreeSet<String> names = new TreeSet<>();
            for (JsonNode alert : alerts) {
                names.add(alert.path("labels").path("alertname").asText("(unnamed)"));
            }
            return new AlertState.Firing(alerts.size(), names.stream().limit(MAX_NAMES).toList());
        } catch (IOException e) {
            return new AlertState.Unreachable("Alertmanager's answer is not JSON: " + e.getMessage());
        }
    }

    /** {@code filter} is a repeated query parameter (collectionFormat: multi in Alertmanager's OpenAPI document). */
    static URI alertsUri(String baseUrl, List<String> matchers) {
        StringBuilder uri = new StringBuilder(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl)
                .append("/api/v2/alerts?active=true&silenced=false&inhibited=false");
        for (String matcher : matchers) {
            if (!matcher.isBlank()) {
                uri.append("&filter=").append(URLEncoder.encode(matcher.trim(), StandardCharsets.UTF_8));
            }
        }
        return URI.create(uri.toString());
    }

    private static String abbreviate(String body) {
        String text = body == null ? "" : body.strip();
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
}
