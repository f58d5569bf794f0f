package io.restartwatch.plan.scheduling;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;

import io.restartwatch.plan.config.PlanSettings;

/**
 * Asks a rebooted server's health URL (the policy's template with {@code {hostname}} and {@code {serverId}} filled
 * in) whether it serves again: only a 2xx within {@code restartwatch.plan.health-timeout} counts. Called outside any
 * database transaction: a slow server must not hold a plan's lock.
 */
@ApplicationScoped
public class HealthProbe {

    private final PlanSettings settings;
    private final HttpClient http;

    public HealthProbe(PlanSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(settings.healthTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    public boolean healthy(String urlTemplate, String hostname, String serverId) {
        URI uri;
        try {
            uri = URI.create(urlFor(urlTemplate, hostname, serverId));
        } catch (IllegalArgumentException e) {
            return false;
        }
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(uri).timeout(settings.healthTimeout()).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() / 100 == 2;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static String urlFor(String template, String hostname, String serverId) {
        return template.replace("{hostname}", hostname == null ? "" : hostname)
                .replace("{serverId}", URLEncoder.encode(serverId, StandardCharsets.UTF_8));
    }
}
