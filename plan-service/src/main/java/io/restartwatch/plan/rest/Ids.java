package io.restartwatch.plan.rest;

/** The id forms the other services accept, so a path parameter is checked the same way everywhere. */
final class Ids {

    static final String ID_PATTERN = io.restartwatch.support.rest.Ids.ID_PATTERN;
    /** An environment name, or {@code *} for every environment of the application. */
    static final String ENVIRONMENT_PATTERN = "\\*|" + ID_PATTERN;
    static final String PLAN_ID_PATTERN = "[a-zA-Z0-9-]{1,64}";

    private Ids() {
    }
}
