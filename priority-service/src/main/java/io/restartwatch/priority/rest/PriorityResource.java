package io.restartwatch.priority.rest;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.annotation.security.RolesAllowed;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.ExposureFact;
import io.restartwatch.contracts.Livepatch;
import io.restartwatch.contracts.PriorityFactor;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.RestartKind;
import io.restartwatch.contracts.Surface;
import io.restartwatch.priority.persistence.RestartStateEntity;
import io.restartwatch.support.rest.Ids;
import io.restartwatch.support.rest.ProblemException;
import io.restartwatch.support.security.Roles;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Pending restarts by priority, and why each scored what it did. */
@Path("/api/priorities")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "priorities", description = "Pending restarts by priority, each score explained factor by factor")
@RolesAllowed(Roles.VIEWER)
public class PriorityResource {

    static final String ID_PATTERN = Ids.ID_PATTERN;

    private final EntityManager entityManager;

    public PriorityResource(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    @GET
    @Operation(operationId = "listPriorities", summary = "Pending restarts, highest score first, then longest pending first, a page at a time")
    public Page<PriorityView> list(@QueryParam("level") PriorityLevel level,
                                   @QueryParam("applicationId") @Pattern(regexp = ID_PATTERN) String applicationId,
                                   @QueryParam("surface") Surface surface,
                                   @QueryParam("page") @DefaultValue("0") @Min(0) @Max(100_000) int page,
                                   @QueryParam("size") @DefaultValue("50") @Min(1) @Max(500) int size) {
        // Native SQL: the surface filter is a jsonb containment the GIN index answers, so paging stays in the database.
        StringBuilder where = new StringBuilder(" from restart_state where pending");
        Map<String, Object> parameters = new HashMap<>();
        if (level != null) {
            where.append(" and level = :level");
            parameters.put("level", level.name());
        }
        if (applicationId != null) {
            where.append(" and application_id = :applicationId");
            parameters.put("applicationId", applicationId);
        }
        if (surface != null) {
            where.append(" and surfaces @> cast(:surface as jsonb)");
            parameters.put("surface", "[\"" + surface.name() + "\"]");
        }
        Query select = entityManager.createNativeQuery("select *" + where
                + " order by score desc, required_since asc, server_id limit :limit offset :offset", RestartStateEntity.class);
        Query count = entityManager.createNativeQuery("select count(*)" + where);
        parameters.forEach((name, value) -> {
            select.setParameter(name, value);
            count.setParameter(name, value);
        });
        select.setParameter("limit", size).setParameter("offset", (long) page * size);
        @SuppressWarnings("unchecked")
        List<RestartStateEntity> states = select.getResultList();
        long total = ((Number) count.getSingleResult()).longValue();
        return new Page<>(states.stream().map(PriorityView::of).toList(), page, size, total);
    }

    @GET
    @Path("/{serverId}")
    @Operation(operationId = "getPriority", summary = "A server's priority with each factor's contribution (they sum to the score)")
    public PriorityView get(@PathParam("serverId") @Pattern(regexp = ID_PATTERN) String serverId) {
        RestartStateEntity state = RestartStateEntity.findById(serverId);
        if (state == null) {
            throw ProblemException.notFound("No check has been seen for server '" + serverId + "'");
        }
        return PriorityView.of(state);
    }

    /**
     * A server's priority as the API shows it. Each factor is a name, its value ({@code detail}, e.g. "declared:
     * port 443/tcp open to 0.0.0.0/0 (public)") and its contribution; the contributions sum to {@code score}.
     * {@code explanation} is the same as text, one line per factor: "pending 9 days: +14".
     *
     * @param kind          what the pending (or last) restart asks for: a reboot or only services
     * @param exposureFacts every exposure fact with its origin (declared, listening, firewall) and status
     * @param discoveredAt  when a check last saw the server's sockets and firewall; null when none has
     * @param sequence      the sequence of the last {@code priority.assessed} published for the server
     */
    public record PriorityView(String serverId, String hostname, String applicationId, String environment,
                               boolean pending, RestartKind kind, PriorityLevel level, Integer score, Exposure exposure,
                               Set<Surface> surfaces, Instant requiredSince, List<String> packages, List<String> services,
                               Livepatch livepatch, List<PriorityFactor> factors, List<String> explanation,
                               List<ExposureFact> exposureFacts, Instant discoveredAt, Instant lastCheckAt,
                               Instant assessedAt, Instant nextReassessAt, long sequence) {

        static PriorityView of(RestartStateEntity state) {
            List<PriorityFactor> factors = state.pending ? state.factors : List.of();
            List<String> explanation = factors.stream()
                    .map(f -> f.detail() + ": " + (f.contribution() >= 0 ? "+" : "") + f.contribution()).toList();
            return new PriorityView(state.serverId, state.hostname, state.applicationId, state.environment,
                    state.pending, state.kind, state.pending ? state.level : null, state.pending ? state.score : null, state.exposure,
                    Set.copyOf(state.surfaces), state.pending ? state.requiredSince : null, state.pending ? state.packages : List.of(),
                    state.pending ? state.services : List.of(), state.livepatch, factors, explanation,
                    state.exposureFacts, state.discoveredAt, state.lastCheckAt, state.assessedAt,
                    state.nextReassessAt, state.sequence);
        }
    }
}
