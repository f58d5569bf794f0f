package io.restartwatch.check.rest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.restartwatch.check.config.CheckSettings;
import io.restartwatch.check.domain.ProbeKind;
import io.restartwatch.check.persistence.ServerEntity;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.OpenPort;

/** A server as the inventory API shows it. */
public record ServerView(String id, String hostname, ServerRequest.Address address, String applicationId,
                         String environment, Map<String, String> labels, List<OpenPort> openPorts,
                         ProbeKind probeKind, String sshUser, boolean agentTokenIssued, long revision,
                         Instant createdAt, Instant updatedAt, Instant nextCheckAt, FreshnessView freshness) {

    static ServerView of(ServerEntity server, CheckSettings settings) {
        return new ServerView(server.id, server.hostname, new ServerRequest.Address(server.host, server.sshPort),
                server.applicationId, server.environment, server.labels, server.openPorts, server.probeKind,
                server.sshUser, server.agentTokenHash != null, server.revision, server.createdAt, server.updatedAt,
                server.nextCheckAt, FreshnessView.of(server, settings.maxSilenceFor(server.applicationId)));
    }

    /**
     * Whether Restart Watch can vouch for the server's restart state.
     *
     * @param state             {@code VERIFIED}, {@code UNVERIFIED}, or {@code AWAITING_FIRST_CHECK} (registered, not
     *                          yet checked successfully, its max-silence not yet passed)
     * @param verified          false only when {@code UNVERIFIED}
     * @param reason            why it is unverified (e.g. {@code HOST_KEY_CHANGED}, {@code AGENT_SILENT},
     *                          {@code NEVER_CHECKED}); null when verified
     * @param lastAttemptReason why the last check failed; null when it succeeded
     * @param maxSilence        ISO-8601 duration, e.g. {@code PT3H}
     * @param unverifiedAfter   when it becomes unverified if no check succeeds before; null when unverified
     */
    public record FreshnessView(String state, boolean verified, String reason, String detail, Instant lastVerifiedAt,
                                Instant lastAttemptAt, CheckOutcome lastAttemptOutcome, String lastAttemptReason,
                                String maxSilence, Instant unverifiedSince, Instant unverifiedAfter) {

        static FreshnessView of(ServerEntity server, Duration maxSilence) {
            boolean verified = server.unverifiedSince == null;
            String state = !verified ? "UNVERIFIED" : server.lastVerifiedAt == null ? "AWAITING_FIRST_CHECK" : "VERIFIED";
            Instant silentSince = server.lastVerifiedAt != null ? server.lastVerifiedAt : server.createdAt;
            return new FreshnessView(state, verified, server.unverifiedReason, server.unverifiedDetail, server.lastVerifiedAt,
                    server.lastAttemptAt, server.lastAttemptOutcome, server.lastAttemptReason, maxSilence.toString(),
                    server.unverifiedSince, verified && silentSince != null ? silentSince.plus(maxSilence) : null);
        }
    }
}
