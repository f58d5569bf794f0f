package io.restartwatch.support.retention;

import java.util.List;

/**
 * A service's contribution to {@link RetentionJob}: the rules for its own tables, run in this order (children before
 * parents). The platform's tables need none: the job runs their rule itself.
 */
public interface RetentionRules {

    List<RetentionRule> rules();
}
