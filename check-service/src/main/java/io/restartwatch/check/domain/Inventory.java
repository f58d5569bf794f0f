package io.restartwatch.check.domain;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.restartwatch.check.persistence.ServerEntity;
import io.restartwatch.contracts.CheckTrigger;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Topics;
import io.restartwatch.check.scheduling.CheckDispatcher;
import io.restartwatch.support.outbox.Outbox;
import io.restartwatch.support.tx.AfterCommit;
import io.restartwatch.support.rest.ProblemException;

/**
 * The server inventory. Every change is published on {@link Topics#SERVERS} as a full snapshot, in the same
 * transaction (outbox), so the other services keep their own copy and never call this one.
 */
@ApplicationScoped
public class Inventory {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Freshness freshness;
    private final Outbox outbox;
    private final Clock clock;
    private final CheckDispatcher dispatcher;
    private final AfterCommit afterCommit;

    public Inventory(Outbox outbox, Clock clock, CheckDispatcher dispatcher, AfterCommit afterCommit, Freshness freshness) {
        this.outbox = outbox;
        this.freshness = freshness;
        this.clock = clock;
        this.dispatcher = dispatcher;
        this.afterCommit = afterCommit;
    }

    /** Registers a server; pull-probed ones get their first check right away. */
    @Transactional
    public ServerEntity register(String id, ServerDefinition definition) {
        if (ServerEntity.findById(id) != null) {
            throw ProblemException.conflict("Server '" + id + "' is already registered");
        }
        Instant now = clock.instant();
        ServerEntity server = new ServerEntity();
        server.id = id;
        server.createdAt = now;
        server.revision = 0;
        // Time-based start, as the revision: consumers keep the last sequence per server id, so the transitions of a
        // server removed and registered again must number above those of its earlier registration.
        server.freshnessSequence = now.toEpochMilli();
        apply(server, definition, now);
        if (server.probeKind != ProbeKind.AGENT) {
            server.nextCheckAt = now;
            server.nextTrigger = CheckTrigger.SCHEDULED;
        }
        server.persist();
        publish(server, EventTypes.SERVER_REGISTERED, false);
        afterCommit.once("check-dispatcher", dispatcher::wakeUp);
        return server;
    }

    @Transactional
    public ServerEntity update(String id, ServerDefinition definition) {
        ServerEntity server = require(id);
        ProbeKind before = server.probeKind;
        apply(server, definition, clock.instant());
        if (before == ProbeKind.AGENT && server.probeKind != ProbeKind.AGENT) {
            server.nextCheckAt = server.updatedAt;
            afterCommit.once("check-dispatcher", dispatcher::wakeUp);
        }
        publish(server, EventTypes.SERVER_UPDATED, false);
        return server;
    }

    @Transactional
    public void remove(String id) {
        ServerEntity server = require(id);
        server.updatedAt = clock.instant();
        server.revision = nextRevision(server.revision, server.updatedAt);
        publish(server, EventTypes.SERVER_REMOVED, true);
        freshness.removed(server, server.updatedAt);
        server.delete();
    }

    public Optional<ServerEntity> find(String id) {
        return ServerEntity.findByIdOptional(id);
    }

    public ServerEntity require(String id) {
        return find(id).orElseThrow(() -> ProblemException.notFound("No server '" + id + "'"));
    }

    public List<ServerEntity> list(String applicationId, String environment) {
        if (applicationId != null) {
            return ServerEntity.findByApplication(applicationId, environment);
        }
        if (environment != null) {
            return ServerEntity.list("environment = ?1 order by id", environment);
        }
        return ServerEntity.listAll(io.quarkus.panache.common.Sort.by("id"));
    }

    /**
     * Issues a new agent token for the server, replacing any previous one. Only its SHA-256 is stored: the
     * token is shown this once.
     */
    @Transactional
    public String issueAgentToken(String id) {
        ServerEntity server = require(id);
        if (server.probeKind != ProbeKind.AGENT) {
            // A token that no report could use would only be a credential lying around.
            throw new ProblemException(jakarta.ws.rs.core.Response.Status.CONFLICT, "Server '" + id + "' is checked by its "
                    + server.probeKind.name().toLowerCase(java.util.Locale.ROOT) + " probe; agent tokens are for servers with probeKind agent");
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = "rwa_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        server.agentTokenHash = sha256(token);
        return token;
    }

    /** Constant-time check of an agent's token against a stored hash (null: no token issued). */
    public static boolean agentTokenMatches(String agentTokenHash, String token) {
        if (agentTokenHash == null || token == null) {
            return false;
        }
        return MessageDigest.isEqual(HexFormat.of().parseHex(agentTokenHash), HexFormat.of().parseHex(sha256(token)));
    }

    private void apply(ServerEntity server, ServerDefinition definition, Instant now) {
        server.hostname = definition.hostname();
        server.host = definition.host() != null ? definition.host() : definition.hostname();
        server.sshPort = definition.sshPort() != null ? definition.sshPort() : 22;
        server.applicationId = definition.applicationId();
        server.environment = definition.environment();
        server.labels = definition.labels() == null ? new HashMap<>() : new HashMap<>(definition.labels());
        server.openPorts = definition.openPorts() == null ? new ArrayList<>() : new ArrayList<>(definition.openPorts());
        server.probeKind = definition.probeKind();
        server.sshUser = definition.sshUser();
        server.updatedAt = now;
        server.revision = nextRevision(server.revision, now);
    }

    /** Time-based, so a server removed and registered again still gets a newer revision than its removal. */
    private static long nextRevision(long current, Instant now) {
        return Math.max(current + 1, now.toEpochMilli());
    }

    private void publish(ServerEntity server, String type, boolean removed) {
        outbox.enqueue(Topics.SERVERS, server.id, type, server.id, ServerSnapshots.of(server, removed));
    }

    static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
