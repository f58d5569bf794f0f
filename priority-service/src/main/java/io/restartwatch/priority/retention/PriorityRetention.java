package io.restartwatch.priority.retention;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.restartwatch.support.retention.RetentionRule;
import io.restartwatch.support.retention.RetentionRules;
import io.restartwatch.support.retention.RetentionSettings;

/**
 * What priority-service forgets: consumed check and snapshot ids. Its other tables hold one row per server or
 * application, bounded by the fleet.
 */
@ApplicationScoped
public class PriorityRetention implements RetentionRules {

    private final RetentionSettings settings;

    public PriorityRetention(RetentionSettings settings) {
        this.settings = settings;
    }

    @Override
    public List<RetentionRule> rules() {
        return List.of(RetentionRule.processedEvents(settings));
    }
}
