package io.restartwatch.priority.persistence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.restartwatch.contracts.DiscoveredExposure;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.ExposureFact;
import io.restartwatch.contracts.Livepatch;
import io.restartwatch.contracts.PriorityFactor;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.RestartKind;
import io.restartwatch.contracts.Surface;
import io.restartwatch.support.sql.SetUpsert;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.java.Immutability;

/** A server's restart state as the checks tell it, and the assessment last published for it. */
@Entity
@Table(name = "restart_state")
public class RestartStateEntity extends PanacheEntityBase {

    @Id
    @Column(name = "server_id")
    public String serverId;
    @Column(name = "application_id")
    public String applicationId;
    public String environment;
    public String hostname;

    public boolean pending;
    /** What the pending (or last cleared) restart asks for; null before any restart was pending. */
    @Enumerated(EnumType.STRING)
    public RestartKind kind;
    @Column(name = "required_since")
    public Instant requiredSince;
    // JSON values are replaced, never changed in place: Immutability spares Hibernate a JSON round trip per
    // attribute to snapshot and dirty-check them (measured: the consumers' largest CPU cost).
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    public List<String> packages = new ArrayList<>();
    /** Services to restart without a reboot, from the last check. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    public List<String> services = new ArrayList<>();
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    @Column(name = "detected_by")
    public List<String> detectedBy = new ArrayList<>();
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    public Livepatch livepatch;
    /** Sockets and firewall the last check that could see them found; null when no check has. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    public DiscoveredExposure discovered;
    @Column(name = "discovered_at")
    public Instant discoveredAt;
    @Column(name = "boot_id")
    public String bootId;
    /** When a check last reported {@link #bootId}: a different boot id later means a reboot after this. */
    @Column(name = "boot_seen_at")
    public Instant bootSeenAt;
    @Column(name = "running_kernel")
    public String runningKernel;
    @Column(name = "installed_kernel")
    public String installedKernel;
    @Column(name = "last_check_id")
    public String lastCheckId;
    @Column(name = "last_check_at")
    public Instant lastCheckAt;

    public long sequence;
    /** True once an assessment of the current pending restart has been published. */
    public boolean published;
    @Enumerated(EnumType.STRING)
    public PriorityLevel level;
    public Integer score;
    @Column(name = "score_band")
    public Integer scoreBand;
    @Enumerated(EnumType.STRING)
    public Exposure exposure;
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    public List<Surface> surfaces = new ArrayList<>();
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    @Column(name = "published_packages")
    public List<String> publishedPackages = new ArrayList<>();
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    @Column(name = "published_services")
    public List<String> publishedServices = new ArrayList<>();
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    @Column(name = "published_livepatch")
    public Livepatch publishedLivepatch;
    /** The exposure facts last weighed; while pending, those last published. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    @Column(name = "exposure_facts")
    public List<ExposureFact> exposureFacts = new ArrayList<>();
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    public List<PriorityFactor> factors = new ArrayList<>();
    @Column(name = "assessed_at")
    public Instant assessedAt;
    @Column(name = "next_reassess_at")
    public Instant nextReassessAt;

    /** Writes a batch's new and changed states: see {@link #upsertAll}. */
    private static final SetUpsert<RestartStateEntity> UPSERT = SetUpsert.<RestartStateEntity>into("restart_state")
            .key("server_id", "varchar", state -> state.serverId)
            .column("application_id", "varchar", state -> state.applicationId)
            .column("environment", "varchar", state -> state.environment)
            .column("hostname", "varchar", state -> state.hostname)
            .column("pending", "boolean", state -> state.pending)
            .column("kind", "varchar", state -> state.kind)
            .column("required_since", "timestamptz", state -> state.requiredSince)
            .json("packages", state -> state.packages)
            .json("services", state -> state.services)
            .json("detected_by", state -> state.detectedBy)
            .json("livepatch", state -> state.livepatch)
            .json("discovered", state -> state.discovered)
            .column("discovered_at", "timestamptz", state -> state.discoveredAt)
            .column("boot_id", "varchar", state -> state.bootId)
            .column("boot_seen_at", "timestamptz", state -> state.bootSeenAt)
            .column("running_kernel", "varchar", state -> state.runningKernel)
            .column("installed_kernel", "varchar", state -> state.installedKernel)
            .column("last_check_id", "varchar", state -> state.lastCheckId)
            .column("last_check_at", "timestamptz", state -> state.lastCheckAt)
            .column("sequence", "bigint", state -> state.sequence)
            .column("published", "boolean", state -> state.published)
            .column("level", "varchar", state -> state.level)
            .column("score", "integer", state -> state.score)
            .column("score_band", "integer", state -> state.scoreBand)
            .column("exposure", "varchar", state -> state.exposure)
            .json("surfaces", state -> state.surfaces)
            .json("published_packages", state -> state.publishedPackages)
            .json("published_services", state -> state.publishedServices)
            .json("published_livepatch", state -> state.publishedLivepatch)
            .json("exposure_facts", state -> state.exposureFacts)
            .json("factors", state -> state.factors)
            .column("assessed_at", "timestamptz", state -> state.assessedAt)
            .column("next_reassess_at", "timestamptz", state -> state.nextReassessAt);

    /**
     * Writes these states, new or changed, with one statement, whatever their number (the hot path applies a polled
     * batch of checks: Hibernate's flush of one entity per check was most of this service's CPU). The caller holds the
     * servers' locks and read their rows in this transaction, so each row is replaced whole. One state per server.
     */
    public static void upsertAll(EntityManager entityManager, Collection<RestartStateEntity> states) {
        UPSERT.execute(entityManager, states);
    }
}
