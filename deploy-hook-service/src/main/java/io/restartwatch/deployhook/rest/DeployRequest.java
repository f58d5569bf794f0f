package io.restartwatch.deployhook.rest;

import java.time.Instant;
import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import io.restartwatch.deployhook.domain.Deploys.Deploy;

/** Body of the native hook {@code POST /api/deploys}. */
public record DeployRequest(
        @NotBlank @Pattern(regexp = ID, message = "must match " + ID) String applicationId,
        @Pattern(regexp = ID, message = "must match " + ID) String environment,
        @NotBlank @Size(max = 200) @Pattern(regexp = "[\\x21-\\x7e]+", message = "must be printable ASCII without spaces") String deployId,
        @NotNull @Pattern(regexp = "completed|failed|started", message = "must be completed, failed or started") String status,
        @Size(max = 1000) List<@NotNull @Pattern(regexp = ID, message = "must match " + ID) String> serverIds,
        Instant finishedAt,
        @Size(max = 64) @Pattern(regexp = "[0-9a-zA-Z._/-]*", message = "must be a commit id") String commit,
        @Size(max = 2000) @Pattern(regexp = "https?://\\S+", message = "must be an http(s) URL") String url) {

    static final String ID = "[a-z0-9][a-z0-9._-]{0,62}";

    Deploy toDeploy(String source) {
        return new Deploy(applicationId, environment, deployId, status, serverIds == null ? List.of() : serverIds,
                finishedAt, commit, url, source);
    }
}
