package io.restartwatch.support.retention;

import java.util.List;

/** A service's contribution to {@link RetentionJob}: its rules, run in this order (children before parents). */
public interface RetentionRules {

    List<RetentionRule> rules();
}
