package io.restartwatch.deployhook.rest;

import java.io.IOException;
import java.util.Set;

import jakarta.annotation.security.PermitAll;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.restartwatch.deployhook.domain.Deploys;
import io.restartwatch.deployhook.domain.Pipelines;
import io.restartwatch.deployhook.domain.RateLimiter;
import io.restartwatch.deployhook.persistence.PipelineEntity;
import io.restartwatch.support.rest.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The native deploy hook. Authenticated by {@code Authorization: Bearer <pipeline token>} or by an HMAC
 * signature over the raw body ({@code X-RestartWatch-Pipeline}, {@code X-RestartWatch-Timestamp},
 * {@code X-RestartWatch-Signature: sha256=<hex>}).
 */
@Path("/api/deploys")
// Pipelines authenticate with their own token or HMAC signature (checked below), not with an API key.
@PermitAll
@Tag(name = "deploys", description = "Deploys reported by pipelines (a completed one rechecks the application's servers)")
@SecurityScheme(securitySchemeName = DeployResource.PIPELINE_TOKEN, type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "A pipeline's token (POST /api/pipelines shows it once), as Authorization: Bearer")
@SecurityScheme(securitySchemeName = DeployResource.PIPELINE_SIGNATURE, type = SecuritySchemeType.APIKEY,
        in = SecuritySchemeIn.HEADER, apiKeyName = "X-RestartWatch-Signature",
        description = "sha256=<hex HMAC-SHA256 of \"<X-RestartWatch-Timestamp>.<body>\" with the pipeline's secret>, "
                + "with X-RestartWatch-Pipeline naming the pipeline (see examples/pipelines)")
public class DeployResource {

    /** The OpenAPI security schemes of the native deploy hook: either one authenticates a pipeline. */
    static final String PIPELINE_TOKEN = "pipelineToken";
    static final String PIPELINE_SIGNATURE = "pipelineSignature";

    static final String PIPELINE = "X-RestartWatch-Pipeline";
    static final String TIMESTAMP = "X-RestartWatch-Timestamp";
    static final String SIGNATURE = "X-RestartWatch-Signature";
    private static final String BEARER = "Bearer ";

    private final Pipelines pipelines;
    private final Deploys deploys;
    private final RateLimiter rateLimiter;
    private final ObjectMapper json;
    private final Validator validator;

    public DeployResource(Pipelines pipelines, Deploys deploys, RateLimiter rateLimiter, ObjectMapper json, Validator validator) {
        this.pipelines = pipelines;
        this.deploys = deploys;
        this.rateLimiter = rateLimiter;
        this.json = json;
        this.validator = validator;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Report a deploy; a completed one rechecks the application's servers at once")
    @SecurityRequirement(name = PIPELINE_TOKEN)
    @SecurityRequirement(name = PIPELINE_SIGNATURE)
    public Response receive(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                            @HeaderParam(PIPELINE) String pipelineId,
                            @HeaderParam(TIMESTAMP) String timestamp,
                            @HeaderParam(SIGNATURE) String signature,
                            byte[] body) throws IOException {
        PipelineEntity pipeline = authenticate(authorization, pipelineId, timestamp, signature, body);
        // After authentication, so nobody can use up a pipeline's allowance without its credentials.
        rateLimiter.acquire("pipeline " + pipeline.id);
        if (body == null || body.length == 0) {
            throw ProblemException.badRequest("body", "a JSON deploy is required");
        }
        DeployRequest request = json.readValue(body, DeployRequest.class);
        if (request == null) { // the JSON literal null
            throw ProblemException.badRequest("body", "a JSON deploy is required");
        }
        Set<ConstraintViolation<DeployRequest>> violations = validator.validate(request);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        return HookAnswers.of(HookAnswers.retryingDuplicate(() -> deploys.receive(pipeline, request.toDeploy("native"))));
    }

    private PipelineEntity authenticate(String authorization, String pipelineId, String timestamp, String signature, byte[] body) {
        if (authorization != null && authorization.startsWith(BEARER)) {
            return pipelines.authenticateBearer(authorization.substring(BEARER.length()).trim());
        }
        if (signature != null) {
            return pipelines.authenticateSignature(pipelineId, timestamp, signature, body == null ? new byte[0] : body);
        }
        throw new ProblemException(Response.Status.UNAUTHORIZED,
                "Authenticate with Authorization: Bearer <token> or an X-RestartWatch-Signature");
    }
}
