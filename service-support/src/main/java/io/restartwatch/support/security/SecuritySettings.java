package io.restartwatch.support.security;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import org.hibernate.validator.constraints.time.DurationMin;

/** {@code restartwatch.security.*}: settings every service shares. OIDC itself is configured with Quarkus's own {@code quarkus.oidc.*}. */
@ConfigMapping(prefix = "restartwatch.security")
public interface SecuritySettings {

    /**
     * Hex SHA-256 of the bootstrap admin API key (the key {@code ./stack up} prints; in Kubernetes a Secret). It works
     * in every service from the first second, before any key is issued, until it is revoked like any other key.
     */
    Optional<String> bootstrapAdminKeySha256();

    /** How often each instance reports when its keys were last used. */
    @WithDefault("PT1M")
    @DurationMin(seconds = 1)
    Duration usageReportInterval();

    /**
     * Provider groups (OIDC role claim values) mapped to our roles, e.g. {@code restartwatch.security.role-mapping."sre-team"=operator}.
     * Applied before {@link Roles#withImplied}, so a mapped group also gets the roles below its role.
     */
    Map<String, List<String>> roleMapping();

    /** The cookie the dashboard keeps its API key in for the browser session. */
    @WithDefault("restartwatch_key")
    String sessionCookie();
}
