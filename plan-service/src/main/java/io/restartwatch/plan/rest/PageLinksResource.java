package io.restartwatch.plan.rest;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.restartwatch.plan.config.PlanSettings;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Where the pages link to, asked before sign-in (like notification-service's {@code /login/options}): outside
 * {@code /api}, where every operation needs credentials, and out of the OpenAPI document — pages' plumbing, not API.
 */
@Path("/pages/links")
public class PageLinksResource {

    private final PlanSettings settings;

    public PageLinksResource(PlanSettings settings) {
        this.settings = settings;
    }

    @GET
    @PermitAll
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public Links links() {
        return new Links(settings.dashboardUrl());
    }

    public record Links(String dashboardUrl) {
    }
}
