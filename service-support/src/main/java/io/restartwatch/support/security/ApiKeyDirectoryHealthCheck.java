package io.restartwatch.support.security;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready until the API keys have been read: before that, a revoked key could still work here, or a new one not yet. */
@Readiness
@ApplicationScoped
public class ApiKeyDirectoryHealthCheck implements HealthCheck {

    private final ApiKeyDirectory directory;

    public ApiKeyDirectoryHealthCheck(ApiKeyDirectory directory) {
        this.directory = directory;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("api-keys").status(directory.caughtUp()).withData("keys", directory.size()).build();
    }
}
