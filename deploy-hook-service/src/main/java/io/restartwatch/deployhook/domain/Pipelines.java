package io.restartwatch.deployhook.domain;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.Response;

import io.quarkus.runtime.StartupEvent;
import io.restartwatch.deployhook.config.DeployHookSettings;
import io.restartwatch.deployhook.persistence.PipelineEntity;
import io.restartwatch.support.rest.ProblemException;
import org.jboss.logging.Logger;

/**
 * Pipeline credentials: issuing, rotating, revoking, and authenticating a request by bearer token or by
 * HMAC signature ({@code sha256=HMAC(secret, timestamp + "." + body)}, fresh timestamp, never replayed).
 */
@ApplicationScoped
public class Pipelines {

    private static final Logger LOG = Logger.getLogger(Pipelines.class);
    private static final Pattern UNIX_SECONDS = Pattern.compile("\\d{1,11}");

    private final Clock clock;
    private final DeployHookSettings settings;
    private final EntityManager entityManager;
    private final SecretSeal seal;

    public Pipelines(Clock clock, DeployHookSettings settings, EntityManager entityManager, SecretSeal seal) {
        this.clock = clock;
        this.settings = settings;
        this.entityManager = entityManager;
        this.seal = seal;
    }

    /** A new pipeline, with its credentials in clear this once. */
    @Transactional
    public IssuedCredentials create(String id, String name, List<String> applicationIds) {
        if (PipelineEntity.findById(id) != null) {
            throw ProblemException.conflict("Pipeline '" + id + "' exists");
        }
        PipelineEntity pipeline = new PipelineEntity();
        pipeline.id = id;
        pipeline.name = name;
        pipeline.applicationIds = new ArrayList<>(applicationIds);
        pipeline.createdAt = clock.instant();
        IssuedCredentials credentials = issue(pipeline);
        pipeline.persist();
        return credentials;
    }

    /** New token and secret; the old ones stop working at once. */
    @Transactional
    public IssuedCredentials rotate(String id) {
        PipelineEntity pipeline = require(id);
        pipeline.rotatedAt = clock.instant();
        pipeline.revokedAt = null;
        return issue(pipeline);
    }

    @Transactional
    public void revoke(String id) {
        require(id).revokedAt = clock.instant();
    }

    public List<PipelineEntity> list() {
        return PipelineEntity.listAll(io.quarkus.panache.common.Sort.by("id"));
    }

    public PipelineEntity require(String id) {
        return PipelineEntity.<PipelineEntity>findByIdOptional(id)
                .orElseThrow(() -> ProblemException.notFound("No pipeline '" + id + "'"));
    }

    /** The pipeline whose active token this is. */
    public PipelineEntity authenticateBearer(String token) {
        PipelineEntity pipeline = PipelineEntity.<PipelineEntity>find("tokenHash", Secrets.sha256(token)).firstResult();
        if (pipeline == null || !pipeline.active()) {
            throw unauthorized("Unknown or revoked token");
        }
        return pipeline;
    }

    /** The pipeline that signed {@code body}; each signature is accepted once. */
    @Transactional
    public PipelineEntity authenticateSignature(String pipelineId, String timestamp, String signature, byte[] body) {
        if (pipelineId == null || timestamp == null || signature == null) {
            throw unauthorized("Signed requests need X-RestartWatch-Pipeline, X-RestartWatch-Timestamp and X-RestartWatch-Signature");
        }
        // At most 11 digits (until the year 5138): anything longer, signed or not a number cannot be within the
        // tolerance, and would overflow Instant or Duration instead of answering 401.
        if (!UNIX_SECONDS.matcher(timestamp.trim()).matches()) {
            throw unauthorized("X-RestartWatch-Timestamp must be Unix seconds");
        }
        Instant signedAt = Instant.ofEpochSecond(Long.parseLong(timestamp.trim()));
        Instant now = clock.instant();
        if (Duration.between(signedAt, now).abs().compareTo(settings.signatureTolerance()) > 0) {
            throw unauthorized("X-RestartWatch-Timestamp is more than " + settings.signatureTolerance().toMinutes() + " minutes off");
        }
        PipelineEntity pipeline = PipelineEntity.<PipelineEntity>findByIdOptional(pipelineId).filter(PipelineEntity::active)
                .orElseThrow(() -> unauthorized("Bad signature"));
        byte[] signed = concat((timestamp.trim() + ".").getBytes(StandardCharsets.UTF_8), body);
        String expected = "sha256=" + Secrets.hmacSha256Hex(seal.open(pipeline.id, pipeline.hmacSecret), signed);
        if (!Secrets.constantTimeEquals(expected, signature.trim().toLowerCase())) {
            throw unauthorized("Bad signature");
        }
        int inserted = entityManager.createNativeQuery(
                        "insert into seen_signature (signature, seen_at) values (:signature, :now) on conflict do nothing")
                .setParameter("signature", expected.substring("sha256=".length()))
                .setParameter("now", now)
                .executeUpdate();
        if (inserted == 0) {
            throw unauthorized("Replayed request: this signature was already used");
        }
        return pipeline;
    }

    /** Forgets signatures older than the tolerance: a replay of those fails the timestamp check anyway. */
    @Transactional
    public int forgetOldSignatures() {
        return entityManager.createNativeQuery("delete from seen_signature where seen_at < :cutoff")
                .setParameter("cutoff", clock.instant().minus(settings.signatureTolerance().multipliedBy(2)))
                .executeUpdate();
    }

    /**
     * Seals HMAC secrets still stored in clear (rows from before sealing); run at every start-up. Each row is
     * written only if unchanged since read, so instances starting together, or a rotation meanwhile, lose nothing.
     *
     * @return how many were sealed
     */
    @Transactional
    public int sealPlaintextSecrets() {
        List<PipelineEntity> plain = PipelineEntity.list("hmacSecret not like ?1", SecretSeal.PREFIX + "%");
        int sealed = 0;
        for (PipelineEntity pipeline : plain) {
            sealed += entityManager.createNativeQuery("update pipeline set hmac_secret = :sealed where id = :id and hmac_secret = :plain")
                    .setParameter("sealed", seal.seal(pipeline.id, pipeline.hmacSecret))
                    .setParameter("id", pipeline.id)
                    .setParameter("plain", pipeline.hmacSecret)
                    .executeUpdate();
        }
        if (sealed > 0) {
            LOG.infof("Sealed the HMAC secrets of %d pipelines stored in clear", sealed);
        }
        return sealed;
    }

    void sealPlaintextSecretsAtStart(@Observes StartupEvent started) {
        sealPlaintextSecrets();
    }

    private IssuedCredentials issue(PipelineEntity pipeline) {
        String token = Secrets.random("rwp_");
        String secret = Secrets.random("rws_");
        pipeline.tokenHash = Secrets.sha256(token);
        pipeline.hmacSecret = seal.seal(pipeline.id, secret);
        return new IssuedCredentials(pipeline.id, pipeline.name, List.copyOf(pipeline.applicationIds), token, secret);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = new byte[a.length + b.length];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static ProblemException unauthorized(String detail) {
        return new ProblemException(Response.Status.UNAUTHORIZED, detail);
    }

    /** Credentials in clear: shown only when issued. */
    public record IssuedCredentials(String pipelineId, String name, List<String> applicationIds, String token, String hmacSecret) {
    }
}
