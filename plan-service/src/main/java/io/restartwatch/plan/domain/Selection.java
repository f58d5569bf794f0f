package io.restartwatch.plan.domain;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PriorityLevel;

/**
 * Which pending reboots a plan takes: every criterion given must match, an empty or null one matches all.
 *
 * @param labels         each key must carry that value
 * @param requiredBefore only restarts pending since before this instant (auto-plans: "pending for N days"); null for all
 * @param serverIds      only these servers (auto-plans pick them one by one); empty for all
 */
public record Selection(
        String applicationId,
        String environment,
        Set<PriorityLevel> levels,
        Set<Exposure> exposures,
        Map<String, String> labels,
        Instant requiredBefore,
        Set<String> serverIds) {

    public Selection {
        levels = levels == null ? Set.of() : Set.copyOf(levels);
        exposures = exposures == null ? Set.of() : Set.copyOf(exposures);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        serverIds = serverIds == null ? Set.of() : Set.copyOf(serverIds);
    }

    public static Selection application(String applicationId) {
        return new Selection(applicationId, null, null, null, null, null, null);
    }

    public boolean matches(FleetServer server) {
        return (applicationId == null || applicationId.equals(server.applicationId()))
                && (environment == null || environment.equals(server.environment()))
                && (levels.isEmpty() || levels.contains(server.level()))
                && (exposures.isEmpty() || exposures.contains(server.exposure()))
                && labels.entrySet().stream().allMatch(label -> label.getValue().equals(server.labels().get(label.getKey())))
                && (serverIds.isEmpty() || serverIds.contains(server.serverId()))
                && (requiredBefore == null || (server.requiredSince() != null && !server.requiredSince().isAfter(requiredBefore)));
    }
}
