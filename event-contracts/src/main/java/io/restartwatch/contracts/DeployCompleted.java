package io.restartwatch.contracts;

import java.time.Instant;
import java.util.List;

/**
 * Data of {@code deploy.completed} on {@link Topics#DEPLOYS}: a pipeline finished deploying an application,
 * so its servers are rechecked at once.
 *
 * @param serverIds the servers deployed to; empty means every server of the application and environment
 * @param source    which hook produced it: {@code native}, {@code github}, {@code gitlab}
 */
public record DeployCompleted(
        int schemaVersion,
        String deployId,
        String applicationId,
        String environment,
        List<String> serverIds,
        Instant finishedAt,
        String source,
        String commit,
        String url) {

    public static final int SCHEMA_VERSION = 1;

    public DeployCompleted {
        serverIds = serverIds == null ? List.of() : List.copyOf(serverIds);
    }
}
