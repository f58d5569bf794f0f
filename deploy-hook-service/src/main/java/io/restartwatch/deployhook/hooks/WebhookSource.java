package io.restartwatch.deployhook.hooks;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.ws.rs.core.Response;

import io.restartwatch.deployhook.config.DeployHookSettings;
import io.restartwatch.support.rest.ProblemException;

/**
 * What GitHub and GitLab hooks share: the secret of a repository, its application mapping, and turning
 * their free-form environment names and links into ours.
 */
final class WebhookSource {

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-zA-Z._/-]{1,64}");
    private static final Pattern URL = Pattern.compile("https?://\\S{1,1990}");

    private final String name;
    private final DeployHookSettings.Ecosystem settings;

    WebhookSource(String name, DeployHookSettings.Ecosystem settings) {
        this.name = name;
        this.settings = settings;
    }

    /** The repository's own secret, else the shared one. */
    Optional<String> secretOf(String repository) {
        String own = repository == null ? null : settings.secrets().get(repository);
        return Optional.ofNullable(own).or(settings::secret).filter(secret -> !secret.isBlank());
    }

    /**
     * {@code owner/repo@environment} first (environment as {@link #environmentId} passes it on: "Staging EU" is
     * {@code staging-eu}), then {@code owner/repo}. Not ':', which ends a key in a properties file.
     *
     * @throws ProblemException 422 when no application is mapped: Restart Watch cannot tell whose servers to recheck
     */
    String applicationOf(String repository, String environment) {
        String application = environment == null ? null : settings.applications().get(repository + "@" + environment);
        if (application == null) {
            application = settings.applications().get(repository);
        }
        if (application == null) {
            throw new ProblemException(422, "Unprocessable Content", "No application is mapped to " + name + " repository '"
                    + repository + "'" + (environment == null ? "" : " (environment '" + environment + "')")
                    + ": set restartwatch.deploy-hook." + name + ".applications.\"" + repository + "\"", List.of());
        }
        if (!ID.matcher(application).matches()) {
            throw new ProblemException(Response.Status.INTERNAL_SERVER_ERROR,
                    "The application mapped to '" + repository + "' is not a valid application id");
        }
        return application;
    }

    /** "Production EU" → "production-eu": environments pass through, in our id alphabet. */
    static String environmentId(String environment) {
        if (environment == null || environment.isBlank()) {
            return null;
        }
        String id = environment.trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[^a-z0-9]+", "");
        id = id.length() > 63 ? id.substring(0, 63) : id;
        return id.isEmpty() ? null : id;
    }

    /** A commit id we can carry, or none. */
    static String commit(String sha) {
        return sha != null && COMMIT.matcher(sha).matches() ? sha : null;
    }

    /** The first usable http(s) link, or none. */
    static String url(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && URL.matcher(candidate).matches()) {
                return candidate;
            }
        }
        return null;
    }
}
