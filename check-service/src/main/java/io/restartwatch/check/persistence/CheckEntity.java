package io.restartwatch.check.persistence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.CheckTrigger;
import io.restartwatch.support.sql.SetStatement;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.java.Immutability;

/** One completed check of a server: the history behind {@code GET /api/servers/{id}/checks}. */
@Entity
@Table(name = "server_check")
public class CheckEntity extends PanacheEntityBase {

    @Id
    public UUID id;
    @Column(name = "server_id")
    public String serverId;
    @Column(name = "checked_at")
    public Instant checkedAt;
    @Enumerated(EnumType.STRING)
    @Column(name = "check_trigger")
    public CheckTrigger trigger;
    @Enumerated(EnumType.STRING)
    public CheckOutcome outcome;
    public String reason;
    public String detail;
    // JSON values are replaced, never changed in place: Immutability spares Hibernate a JSON round trip per
    // attribute to snapshot and dirty-check them (measured: the consumers' largest CPU cost).
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    public List<String> packages = new ArrayList<>();
    @Column(name = "required_since")
    public Instant requiredSince;
    @Column(name = "boot_id")
    public String bootId;
    @Column(name = "running_kernel")
    public String runningKernel;
    @Column(name = "installed_kernel")
    public String installedKernel;
    @Column(name = "duration_ms")
    public Integer durationMs;
    /** The instance that ran it (its lease owner name); null for agent reports. */
    @Column(name = "checked_by")
    public String checkedBy;
    /** Services, detectedBy, livepatch and discovered exposure; null when the check found none of them. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    @Column(name = "host_facts")
    public CheckFacts hostFacts;
    /** The deploy this check rechecked the server for; null when it was not a deploy's recheck. */
    @Column(name = "deploy_id")
    public String deployId;

    /**
     * Writes new checks with one statement over arrays: Hibernate's persist and flush of a recorded batch were ~5 % of
     * check-service's CPU (P3's profile). The history is only ever appended to, and every id is new.
     */
    public static void insertAll(EntityManager entityManager, Collection<CheckEntity> checks) {
        SetStatement.over(checks, """
                        insert into server_check (id, server_id, checked_at, check_trigger, outcome, reason, detail, packages,
                                                  required_since, boot_id, running_kernel, installed_kernel, duration_ms,
                                                  checked_by, host_facts, deploy_id)
                        select * from unnest(?::uuid[], ?::varchar[], ?::timestamptz[], ?::varchar[], ?::varchar[], ?::varchar[],
                                             ?::varchar[], ?::jsonb[], ?::timestamptz[], ?::varchar[], ?::varchar[], ?::varchar[],
                                             ?::integer[], ?::varchar[], ?::jsonb[], ?::varchar[])""")
                .column("varchar", check -> check.id.toString())
                .column("varchar", check -> check.serverId)
                .column("varchar", check -> check.checkedAt)
                .column("varchar", check -> check.trigger)
                .column("varchar", check -> check.outcome)
                .column("varchar", check -> check.reason)
                .column("varchar", check -> check.detail)
                .jsonColumn(check -> check.packages)
                .column("varchar", check -> check.requiredSince)
                .column("varchar", check -> check.bootId)
                .column("varchar", check -> check.runningKernel)
                .column("varchar", check -> check.installedKernel)
                .column("integer", check -> check.durationMs)
                .column("varchar", check -> check.checkedBy)
                .jsonColumn(check -> check.hostFacts)
                .column("varchar", check -> check.deployId)
                .execute(entityManager);
    }

    public static List<CheckEntity> newestFirst(String serverId, int limit) {
        return find("serverId = ?1 order by checkedAt desc", serverId).page(0, limit).list();
    }
}
