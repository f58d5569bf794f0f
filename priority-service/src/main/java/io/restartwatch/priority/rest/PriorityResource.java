package io.restartwatch.priority.rest;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.panache.common.Parameters;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PriorityFactor;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.Surface;
import io.restartwatch.priority.persistence.RestartStateEntity;
import io.restartwatch.support.rest.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Pending restarts by priority, and why each scored what it did. */
@Path("/api/priorities")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "priorities")
public class PriorityResource {

    static final String ID_PATTERN = "[a-z0-9][a-z0-9._-]{0,62}";

    @GET
    @Operation(summary = "Pending restarts, highest score first, then oldest first")
    public List<PriorityView> list(@QueryParam("level") PriorityLevel level,
                                   @QueryParam("applicationId") @Pattern(regexp = ID_PATTERN) String applicationId,
                                   @QueryParam("surface") Surface surface) {
        StringBuilder query = new StringBuilder("pending = true");
        Parameters parameters = new Parameters();
        if (level != null) {
            query.append(" and level = :level");
            parameters.and("level", level);
        }
        if (applicationId != null) {
            query.append(" and applicationId = :applicationId");
            parameters.and("applicationId", applicationId);
        }
        List<RestartStateEntity> states = RestartStateEntity.<RestartStateEntity>find(
                query + " order by score desc, requiredSince asc", parameters).list();
        return states.stream()
                .filter(state -> surface == null || state.surfaces.contains(surface))
                .map(PriorityView::of).toList();
    }

    @GET
    @Path("/{serverId}")
    @Operation(summary = "A server's priority with each factor's contribution (they sum to the score)")
    public PriorityView get(@PathParam("serverId") @Pattern(regexp = ID_PATTERN) String serverId) {
        RestartStateEntity state = RestartStateEntity.findById(serverId);
        if (state == null) {
            throw ProblemException.notFound("No check has been seen for server '" + serverId + "'");
        }
        return PriorityView.of(state);
    }

    /** A server's priority as the API shows it. {@code explanation} reads like "port 443/tcp open to 0.0.0.0/0: +40". */
    public record PriorityView(String serverId, String hostname, String applicationId, String environment,
                               boolean pending, PriorityLevel level, Integer score, Exposure exposure,
                               Set<Surface> surfaces, Instant requiredSince, List<String> packages,
                               List<PriorityFactor> factors, List<String> explanation, Instant lastCheckAt,
                               Instant assessedAt, Instant nextReassessAt) {

        static PriorityView of(RestartStateEntity state) {
            List<String> explanation = state.factors.stream()
                    .map(f -> f.detail() + ": " + (f.contribution() >= 0 ? "+" : "") + f.contribution()).toList();
            return new PriorityView(state.serverId, state.hostname, state.applicationId, state.environment,
                    state.pending, state.pending ? state.level : null, state.pending ? state.score : null, state.exposure,
                    Set.copyOf(state.surfaces), state.pending ? state.requiredSince : null, state.pending ? state.packages : List.of(),
                    state.factors, explanation, state.lastCheckAt, state.assessedAt, state.nextReassessAt);
        }
    }
}
