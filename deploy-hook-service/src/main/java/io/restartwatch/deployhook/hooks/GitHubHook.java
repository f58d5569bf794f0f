package io.restartwatch.deployhook.hooks;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;
import io.restartwatch.deployhook.config.DeployHookSettings;
import io.restartwatch.deployhook.domain.Deploys.Deploy;
import io.restartwatch.deployhook.domain.Secrets;
import io.restartwatch.support.rest.ProblemException;

/**
 * GitHub's {@code deployment_status} webhook: verifies {@code X-Hub-Signature-256} (HMAC-SHA256 of the raw body
 * with the webhook secret) and turns the payload into a {@link Deploy}. States: {@code success} → completed;
 * {@code failure}, {@code error} → failed; {@code pending}, {@code queued}, {@code in_progress} → started;
 * anything else ({@code inactive}) is not a deploy outcome.
 */
@ApplicationScoped
public class GitHubHook {

    public static final String SOURCE = "github";

    private final WebhookSource source;

    public GitHubHook(DeployHookSettings settings) {
        this.source = new WebhookSource(SOURCE, settings.github());
    }

    /** The repository a payload is about: {@code repository.full_name}, null for organisation-level events. */
    public String repositoryOf(JsonNode payload) {
        return text(payload.path("repository").path("full_name"));
    }

    /**
     * @throws ProblemException 401 when the signature is missing or wrong, 403 when no secret is configured
     */
    public void verify(String repository, String signature, byte[] body) {
        Optional<String> secret = source.secretOf(repository);
        if (secret.isEmpty()) {
            throw new ProblemException(Response.Status.FORBIDDEN, "The GitHub hook is not configured"
                    + (repository == null ? "" : " for repository '" + repository + "'")
                    + ": set restartwatch.deploy-hook.github.secret");
        }
        if (signature == null) {
            throw new ProblemException(Response.Status.UNAUTHORIZED, "X-Hub-Signature-256 is required");
        }
        String expected = "sha256=" + Secrets.hmacSha256Hex(secret.get(), body);
        if (!Secrets.constantTimeEquals(expected, signature.trim().toLowerCase())) {
            throw new ProblemException(Response.Status.UNAUTHORIZED, "Bad X-Hub-Signature-256");
        }
    }

    /**
     * @return the deploy, or empty when the state is not a deploy outcome
     * @throws ProblemException 400 for a payload without a deployment, 422 for a repository mapped to no application
     */
    public Optional<Deploy> toDeploy(String repository, JsonNode payload) {
        JsonNode status = payload.path("deployment_status");
        JsonNode deployment = payload.path("deployment");
        String deploymentId = text(deployment.path("id"));
        String state = text(status.path("state"));
        if (repository == null || deploymentId == null || state == null) {
            throw ProblemException.badRequest("deployment_status",
                    "a deployment_status payload needs repository.full_name, deployment.id and deployment_status.state");
        }
        String ourStatus = switch (state) {
            case "success" -> Deploy.COMPLETED;
            case "failure", "error" -> Deploy.FAILED;
            case "pending", "queued", "in_progress" -> Deploy.STARTED;
            default -> null;
        };
        if (ourStatus == null) {
            return Optional.empty();
        }
        String environment = Optional.ofNullable(text(status.path("environment"))).orElse(text(deployment.path("environment")));
        String environmentId = WebhookSource.environmentId(environment);
        String application = source.applicationOf(repository, environmentId);
        Instant finishedAt = Deploy.COMPLETED.equals(ourStatus) ? instant(text(status.path("updated_at"))) : null;
        return Optional.of(new Deploy(application, environmentId, "github-" + deploymentId, ourStatus,
                List.of(), finishedAt, WebhookSource.commit(text(deployment.path("sha"))),
                WebhookSource.url(text(status.path("log_url")), text(status.path("target_url")),
                        text(status.path("environment_url"))),
                SOURCE));
    }

    static String text(JsonNode node) {
        return node.isValueNode() && !node.isNull() && !node.asText().isBlank() ? node.asText() : null;
    }

    private static Instant instant(String value) {
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
