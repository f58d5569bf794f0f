package io.restartwatch.notification.fleet;

import java.time.Instant;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.restartwatch.contracts.DiscoveredExposure;
import io.restartwatch.contracts.Livepatch;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.java.Immutability;

/** One check of a server from {@code restartwatch.checks}; only the newest few per server are kept. */
@Entity
@Table(name = "fleet_check")
public class FleetCheckEntity extends PanacheEntityBase {

    @Id
    @Column(name = "check_id")
    public String checkId;
    @Column(name = "server_id")
    public String serverId;
    @Column(name = "checked_at")
    public Instant checkedAt;
    public String trigger;
    public String outcome;
    public String reason;
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    public List<String> packages;
    @Column(name = "required_since")
    public Instant requiredSince;
    @Column(name = "boot_id")
    public String bootId;
    @Column(name = "running_kernel")
    public String runningKernel;
    @Column(name = "installed_kernel")
    public String installedKernel;
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    public List<String> services;
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    @Column(name = "detected_by")
    public List<String> detectedBy;
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    public Livepatch livepatch;
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    public DiscoveredExposure discovered;

    /** The server's checks, newest first. */
    public static List<FleetCheckEntity> history(String serverId, int limit) {
        return find("serverId = ?1 order by checkedAt desc, checkId desc", serverId).page(0, limit).list();
    }
}
