package io.restartwatch.deployhook.rest;

import java.io.IOException;
import java.util.Optional;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restartwatch.deployhook.domain.Deploys;
import io.restartwatch.deployhook.domain.RateLimiter;
import io.restartwatch.deployhook.hooks.GitHubHook;
import io.restartwatch.deployhook.hooks.GitLabHook;
import io.restartwatch.support.rest.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Deploy events in GitHub's and GitLab's own webhook formats, so a repository can report deploys with a
 * webhook instead of a pipeline step. The payload is read as a tree: both carry far more than we use.
 */
@Path("/api/hooks")
// GitHub and GitLab authenticate with their webhook secret (checked in GitHubHook / GitLabHook), not an API key.
@PermitAll
@Tag(name = "hooks", description = "GitHub and GitLab deployment webhooks")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@SecurityScheme(securitySchemeName = "githubSignature", type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.HEADER,
        apiKeyName = "X-Hub-Signature-256", description = "GitHub's HMAC-SHA256 signature of the body with the webhook's secret")
@SecurityScheme(securitySchemeName = "gitlabToken", type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.HEADER,
        apiKeyName = "X-Gitlab-Token", description = "The secret token configured on the GitLab webhook")
public class WebhookResource {

    private static final int MAX_DELIVERY_ID = 200;

    private final GitHubHook github;
    private final GitLabHook gitlab;
    private final Deploys deploys;
    private final RateLimiter rateLimiter;
    private final ObjectMapper json;

    public WebhookResource(GitHubHook github, GitLabHook gitlab, Deploys deploys, RateLimiter rateLimiter, ObjectMapper json) {
        this.github = github;
        this.gitlab = gitlab;
        this.deploys = deploys;
        this.rateLimiter = rateLimiter;
        this.json = json;
    }

    @POST
    @Path("/github")
    @Operation(summary = "GitHub deployment_status webhook (content type application/json)")
    @SecurityRequirement(name = "githubSignature")
    public Response github(@HeaderParam("X-GitHub-Event") String event,
                           @HeaderParam("X-GitHub-Delivery") String delivery,
                           @HeaderParam("X-Hub-Signature-256") String signature,
                           byte[] body) throws IOException {
        JsonNode payload = parse(body);
        // The repository picks the secret; the signature then proves the repository (and the rest) genuine.
        String repository = github.repositoryOf(payload);
        github.verify(repository, signature, body);
        if ("ping".equals(event)) {
            return Response.ok(new HookAnswers.Ignored("ping")).build();
        }
        if (!"deployment_status".equals(event)) {
            return HookAnswers.ignored("event '" + event + "': only deployment_status is handled");
        }
        String deliveryId = deliveryId("X-GitHub-Delivery", delivery)
                .orElseThrow(() -> ProblemException.badRequest("X-GitHub-Delivery", "the delivery id header is required"));
        rateLimiter.acquire("github " + repository);
        Optional<Deploys.Deploy> deploy = github.toDeploy(repository, payload);
        if (deploy.isEmpty()) {
            return HookAnswers.ignored("deployment state '" + payload.path("deployment_status").path("state").asText() + "'");
        }
        return HookAnswers.of(HookAnswers.retryingDuplicate(() -> deploys.receiveWebhook(repository, deliveryId, deploy.get())));
    }

    @POST
    @Path("/gitlab")
    @Operation(summary = "GitLab deployment event webhook")
    @SecurityRequirement(name = "gitlabToken")
    public Response gitlab(@HeaderParam("X-Gitlab-Event") String event,
                           @HeaderParam("X-Gitlab-Token") String token,
                           @HeaderParam("Idempotency-Key") String idempotencyKey,
                           byte[] body) throws IOException {
        JsonNode payload = parse(body);
        String project = gitlab.projectOf(payload);
        gitlab.verify(project, token);
        if (!"deployment".equals(payload.path("object_kind").asText())) {
            return HookAnswers.ignored("event '" + event + "': only Deployment Hook is handled");
        }
        // GitLab keeps Idempotency-Key across retries (17.4+); older versions send none.
        Optional<String> deliveryId = deliveryId("Idempotency-Key", idempotencyKey);
        rateLimiter.acquire("gitlab " + project);
        Optional<Deploys.Deploy> deploy = gitlab.toDeploy(project, payload);
        if (deploy.isEmpty()) {
            return HookAnswers.ignored("deployment status '" + payload.path("status").asText() + "'");
        }
        return HookAnswers.of(HookAnswers.retryingDuplicate(() -> deploys.receiveWebhook(project, deliveryId.orElse(null), deploy.get())));
    }

    private JsonNode parse(byte[] body) throws IOException {
        if (body == null || body.length == 0) {
            throw ProblemException.badRequest("body", "a JSON webhook payload is required");
        }
        JsonNode payload = json.readTree(body);
        if (payload == null || !payload.isObject()) {
            throw ProblemException.badRequest("body", "the webhook payload must be a JSON object");
        }
        return payload;
    }

    private static Optional<String> deliveryId(String header, String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        if (value.length() > MAX_DELIVERY_ID) {
            throw ProblemException.badRequest(header, "at most " + MAX_DELIVERY_ID + " characters");
        }
        return Optional.of(value.trim());
    }
}
