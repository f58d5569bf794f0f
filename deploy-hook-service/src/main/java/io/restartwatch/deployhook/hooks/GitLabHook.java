package io.restartwatch.deployhook.hooks;

import static io.restartwatch.deployhook.hooks.GitHubHook.text;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
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
 * GitLab's deployment event ({@code X-Gitlab-Event: Deployment Hook}): checks the secret token GitLab sends in
 * clear in {@code X-Gitlab-Token} and turns the payload into a {@link Deploy}. Statuses: {@code success} →
 * completed; {@code failed}, {@code canceled} → failed; {@code running} → started; others are not outcomes.
 */
@ApplicationScoped
public class GitLabHook {

    public static final String SOURCE = "gitlab";
    /** GitLab writes {@code status_changed_at} as "2021-04-28 21:50:00 +0200". */
    private static final DateTimeFormatter GITLAB_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z");

    private final WebhookSource source;

    public GitLabHook(DeployHookSettings settings) {
        this.source = new WebhookSource(SOURCE, settings.gitlab());
    }

    /** The project a payload is about: {@code project.path_with_namespace}. */
    public String projectOf(JsonNode payload) {
        return text(payload.path("project").path("path_with_namespace"));
    }

    /**
     * @throws ProblemException 401 when the token is missing or wrong, 403 when no token is configured
     */
    public void verify(String project, String token) {
        Optional<String> expected = source.secretOf(project);
        if (expected.isEmpty()) {
            throw new ProblemException(Response.Status.FORBIDDEN, "The GitLab hook is not configured"
                    + (project == null ? "" : " for project '" + project + "'")
                    + ": set restartwatch.deploy-hook.gitlab.secret");
        }
        if (token == null) {
            throw new ProblemException(Response.Status.UNAUTHORIZED, "X-Gitlab-Token is required");
        }
        if (!Secrets.constantTimeEquals(expected.get(), token)) {
            throw new ProblemException(Response.Status.UNAUTHORIZED, "Bad X-Gitlab-Token");
        }
    }

    /**
     * @return the deploy, or empty when the status is not a deploy outcome
     * @throws ProblemException 400 for a payload without a deployment, 422 for a project mapped to no application
     */
    public Optional<Deploy> toDeploy(String project, JsonNode payload) {
        String deploymentId = text(payload.path("deployment_id"));
        String status = text(payload.path("status"));
        if (project == null || deploymentId == null || status == null) {
            throw ProblemException.badRequest("deployment",
                    "a deployment event needs project.path_with_namespace, deployment_id and status");
        }
        String ourStatus = switch (status) {
            case "success" -> Deploy.COMPLETED;
            case "failed", "canceled" -> Deploy.FAILED;
            case "running" -> Deploy.STARTED;
            default -> null;
        };
        if (ourStatus == null) {
            return Optional.empty();
        }
        String environment = text(payload.path("environment"));
        String environmentId = WebhookSource.environmentId(environment);
        String application = source.applicationOf(project, environmentId);
        Instant finishedAt = Deploy.COMPLETED.equals(ourStatus) ? instant(text(payload.path("status_changed_at"))) : null;
        String commitUrl = text(payload.path("commit_url"));
        return Optional.of(new Deploy(application, environmentId, "gitlab-" + deploymentId, ourStatus,
                List.of(), finishedAt, commitOf(commitUrl, text(payload.path("short_sha"))),
                WebhookSource.url(text(payload.path("deployable_url")), commitUrl), SOURCE));
    }

    /** The full sha ends {@code commit_url}; {@code short_sha} is the fallback. */
    private static String commitOf(String commitUrl, String shortSha) {
        if (commitUrl != null) {
            String last = commitUrl.substring(commitUrl.lastIndexOf('/') + 1);
            if (last.matches("[0-9a-f]{40}([0-9a-f]{24})?")) {
                return last;
            }
        }
        return WebhookSource.commit(shortSha);
    }

    private static Instant instant(String value) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value, GITLAB_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
