package io.restartwatch.notification.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;

import io.restartwatch.contracts.EventJson;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.notification.fleet.FleetViews.ServerSummary;
import io.restartwatch.notification.rest.Page;

/**
 * Searches the fleet read model: the filters in one SQL query over servers, their assessment and freshness, then
 * the page's rows loaded by id. Pending restarts come first (highest score first), then unverified servers.
 */
@ApplicationScoped
public class FleetQueries {

    private static final String ORDER = """
             order by case when p.pending then 0 else 1 end, p.score desc nulls last,
                      case when f.verified = false then 0 else 1 end, s.server_id""";

    private final EntityManager entityManager;

    public FleetQueries(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /**
     * @param labels      every one must be on the server
     * @param verified    false: only servers Restart Watch cannot vouch for; true: the others
     * @param text        a part of the server id or hostname, any case
     * @param pendingOnly only servers with a pending restart
     */
    public record Filter(String applicationId, String environment, PriorityLevel level, Exposure exposure,
                         Map<String, String> labels, Boolean verified, String text, boolean pendingOnly) {

        public static Filter ofApplication(String applicationId) {
            return new Filter(applicationId, null, null, null, Map.of(), null, null, false);
        }

        public Filter pending() {
            return new Filter(applicationId, environment, level, exposure, labels, verified, text, true);
        }

        public Filter unverified() {
            return new Filter(applicationId, environment, level, exposure, labels, false, text, pendingOnly);
        }
    }

    public Page<ServerSummary> search(Filter filter, int page, int size) {
        StringBuilder where = new StringBuilder("""
                 from fleet_server s
                 left join fleet_priority p on p.server_id = s.server_id
                 left join fleet_freshness f on f.server_id = s.server_id
                 where not s.removed""");
        List<Object> parameters = new ArrayList<>();
        if (filter.applicationId() != null) {
            where.append(" and s.application_id = ?");
            parameters.add(filter.applicationId());
        }
        if (filter.environment() != null) {
            where.append(" and s.environment = ?");
            parameters.add(filter.environment());
        }
        if (filter.pendingOnly() || filter.level() != null) {
            where.append(" and p.pending");
        }
        if (filter.level() != null) {
            where.append(" and p.level = ?");
            parameters.add(filter.level().name());
        }
        if (filter.exposure() != null) {
            where.append(" and p.exposure = ?");
            parameters.add(filter.exposure().name());
        }
        filter.labels().forEach((key, value) -> {
            where.append(" and s.labels @> cast(? as jsonb)");
            parameters.add(EventJson.write(Map.of(key, value)));
        });
        if (filter.verified() != null) {
            // No freshness event yet: nothing says the server went silent.
            where.append(filter.verified() ? " and coalesce(f.verified, true)" : " and f.verified = false");
        }
        if (filter.text() != null && !filter.text().isBlank()) {
            String like = "%" + filter.text().trim().toLowerCase().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
            where.append(" and (lower(s.server_id) like ? escape '\\' or lower(coalesce(s.hostname, '')) like ? escape '\\')");
            parameters.add(like);
            parameters.add(like);
        }
        long total = ((Number) bind(entityManager.createNativeQuery("select count(*) " + where), parameters).getSingleResult()).longValue();
        @SuppressWarnings("unchecked")
        List<String> ids = bind(entityManager.createNativeQuery("select s.server_id " + where + " " + ORDER), parameters)
                .setFirstResult(page * size).setMaxResults(size).getResultList();
        return new Page<>(summaries(ids), page, size, total);
    }

    /** The servers' summaries, in the order of {@code ids}. */
    public List<ServerSummary> summaries(List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<String, FleetServerEntity> servers = byId(FleetServerEntity.<FleetServerEntity>list("serverId in ?1", ids), s -> s.serverId);
        Map<String, FleetPriorityEntity> priorities = byId(FleetPriorityEntity.<FleetPriorityEntity>list("serverId in ?1", ids), p -> p.serverId);
        Map<String, FleetFreshnessEntity> freshness = byId(FleetFreshnessEntity.<FleetFreshnessEntity>list("serverId in ?1", ids), f -> f.serverId);
        @SuppressWarnings("unchecked")
        List<String> lastCheckIds = entityManager.createNativeQuery("""
                        select distinct on (server_id) check_id from fleet_check where server_id in (:ids)
                        order by server_id, checked_at desc, check_id desc""")
                .setParameter("ids", ids).getResultList();
        Map<String, FleetCheckEntity> lastChecks = lastCheckIds.isEmpty() ? Map.of()
                : byId(FleetCheckEntity.<FleetCheckEntity>list("checkId in ?1", lastCheckIds), c -> c.serverId);
        return ids.stream().filter(servers::containsKey)
                .map(id -> ServerSummary.of(servers.get(id), priorities.get(id), freshness.get(id), lastChecks.get(id)))
                .toList();
    }

    private static Query bind(Query query, List<Object> parameters) {
        for (int i = 0; i < parameters.size(); i++) {
            query.setParameter(i + 1, parameters.get(i));
        }
        return query;
    }

    private static <T> Map<String, T> byId(List<T> rows, Function<T, String> id) {
        return rows.stream().collect(Collectors.toMap(id, row -> row));
    }
}
