package io.restartwatch.notification.rest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What the pages link to outside this service ({@code restartwatch.notification.*}). */
@ConfigMapping(prefix = "restartwatch.notification")
public interface PageSettings {

    /** plan-service's restart plans page, linked from the dashboard and the application page ("Restart plans"). */
    @WithDefault("http://127.0.0.1:8085/plans.html")
    String plansUrl();
}
