package io.restartwatch.plan.persistence;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;

import io.restartwatch.contracts.EventJson;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.plan.domain.FleetServer;

/**
 * Reads the fleet as the planner needs it from {@code plan_server} (which the consumers keep), with the active plan
 * each server is already in: one query, however many servers. A server is in an active plan while a restart of it
 * there is neither verified nor cancelled: a failed one holds it until the operator resumes or cancels the halted plan,
 * so an auto-plan does not plan it again and again.
 */
@ApplicationScoped
public class FleetReadModel {

    private final EntityManager entityManager;

    public FleetReadModel(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /**
     * Servers not removed, of one application or of all (null).
     *
     * @param withLabels whether labels are read (only a selection by label needs them)
     */
    @Transactional(Transactional.TxType.MANDATORY)
    @SuppressWarnings("unchecked")
    public List<FleetServer> servers(String applicationId, boolean withLabels) {
        Query query = entityManager.createNativeQuery("""
                select s.server_id, s.hostname, s.application_id, s.environment, %s, s.pending, s.level, s.score,
                       s.exposure, s.required_since,
                       (select r.plan_id from planned_restart r join restart_plan p on p.plan_id = r.plan_id
                         where r.server_id = s.server_id and r.status not in ('VERIFIED', 'CANCELLED')
                           and p.status in ('DRAFT', 'RUNNING', 'PAUSED', 'HALTED')
                         limit 1)
                from plan_server s
                where not s.removed %s""".formatted(withLabels ? "cast(s.labels as text)" : "null",
                applicationId == null ? "" : "and s.application_id = :application"));
        if (applicationId != null) {
            query.setParameter("application", applicationId);
        }
        List<Object[]> rows = query.getResultList();
        List<FleetServer> servers = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            servers.add(new FleetServer((String) row[0], (String) row[1], (String) row[2], (String) row[3],
                    row[4] == null ? Map.of() : labels((String) row[4]), false, Boolean.TRUE.equals(row[5]),
                    row[6] == null ? null : PriorityLevel.valueOf((String) row[6]), ((Number) row[7]).intValue(),
                    row[8] == null ? null : Exposure.valueOf((String) row[8]), instant(row[9]), (String) row[10]));
        }
        return servers;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> labels(String json) {
        Map<String, Object> raw = EventJson.read(json, Map.class);
        Map<String, String> labels = new java.util.HashMap<>();
        raw.forEach((key, value) -> labels.put(key, String.valueOf(value)));
        return labels;
    }

    static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof Timestamp timestamp) {
            return timestamp.toInstant();
        }
        if (value instanceof OffsetDateTime offset) {
            return offset.toInstant();
        }
        throw new IllegalStateException("Not a timestamp: " + value.getClass());
    }
}
