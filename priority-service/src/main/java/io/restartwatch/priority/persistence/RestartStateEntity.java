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
import io.restartwatch.support.sql.SetStatement;
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

    /**
     * Writes these states, new or changed, with one statement, whatever their number (the hot path applies a polled
     * batch of checks: Hibernate's flush of one entity per check was most of this service's CPU). The caller holds the
     * servers' locks and read their rows in this transaction, so each row is replaced whole. One state per server.
     */
    public static void upsertAll(EntityManager entityManager, Collection<RestartStateEntity> states) {
        SetStatement.over(states, """
                        insert into restart_state (server_id, application_id, environment, hostname, pending, kind, required_since,
                               packages, services, detected_by, livepatch, discovered, discovered_at, boot_id, boot_seen_at,
                               running_kernel, installed_kernel, last_check_id, last_check_at, sequence, published, level, score,
                               score_band, exposure, surfaces, published_packages, published_services, published_livepatch,
                               exposure_facts, factors, assessed_at, next_reassess_at)
                        select * from unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::boolean[], ?::varchar[],
                               ?::timestamptz[], ?::jsonb[], ?::jsonb[], ?::jsonb[], ?::jsonb[], ?::jsonb[], ?::timestamptz[],
                               ?::varchar[], ?::timestamptz[], ?::varchar[], ?::varchar[], ?::varchar[], ?::timestamptz[],
                               ?::bigint[], ?::boolean[], ?::varchar[], ?::integer[], ?::integer[], ?::varchar[], ?::jsonb[],
                               ?::jsonb[], ?::jsonb[], ?::jsonb[], ?::jsonb[], ?::jsonb[], ?::timestamptz[], ?::timestamptz[])
                        on conflict (server_id) do update set application_id = excluded.application_id,
                               environment = excluded.environment, hostname = excluded.hostname, pending = excluded.pending,
                               kind = excluded.kind, required_since = excluded.required_since, packages = excluded.packages,
                               services = excluded.services, detected_by = excluded.detected_by, livepatch = excluded.livepatch,
                               discovered = excluded.discovered, discovered_at = excluded.discovered_at, boot_id = excluded.boot_id,
                               boot_seen_at = excluded.boot_seen_at, running_kernel = excluded.running_kernel,
                               installed_kernel = excluded.installed_kernel, last_check_id = excluded.last_check_id,
                               last_check_at = excluded.last_check_at, sequence = excluded.sequence,
                               published = excluded.published, level = excluded.level, score = excluded.score,
                               score_band = excluded.score_band, exposure = excluded.exposure, surfaces = excluded.surfaces,
                               published_packages = excluded.published_packages,
                               published_services = excluded.published_services,
                               published_livepatch = excluded.published_livepatch, exposure_facts = excluded.exposure_facts,
                               factors = excluded.factors, assessed_at = excluded.assessed_at,
                               next_reassess_at = excluded.next_reassess_at""")
                .column("varchar", state -> state.serverId)
                .column("varchar", state -> state.applicationId)
                .column("varchar", state -> state.environment)
                .column("varchar", state -> state.hostname)
                .column("boolean", state -> state.pending)
                .column("varchar", state -> state.kind)
                .column("varchar", state -> state.requiredSince)
                .jsonColumn(state -> state.packages)
                .jsonColumn(state -> state.services)
                .jsonColumn(state -> state.detectedBy)
                .jsonColumn(state -> state.livepatch)
                .jsonColumn(state -> state.discovered)
                .column("varchar", state -> state.discoveredAt)
                .column("varchar", state -> state.bootId)
                .column("varchar", state -> state.bootSeenAt)
                .column("varchar", state -> state.runningKernel)
                .column("varchar", state -> state.installedKernel)
                .column("varchar", state -> state.lastCheckId)
                .column("varchar", state -> state.lastCheckAt)
                .column("bigint", state -> state.sequence)
                .column("boolean", state -> state.published)
                .column("varchar", state -> state.level)
                .column("integer", state -> state.score)
                .column("integer", state -> state.scoreBand)
                .column("varchar", state -> state.exposure)
                .jsonColumn(state -> state.surfaces)
                .jsonColumn(state -> state.publishedPackages)
                .jsonColumn(state -> state.publishedServices)
                .jsonColumn(state -> state.publishedLivepatch)
                .jsonColumn(state -> state.exposureFacts)
                .jsonColumn(state -> state.factors)
                .column("varchar", state -> state.assessedAt)
                .column("varchar", state -> state.nextReassessAt)
                .execute(entityManager);
    }
}
