package io.restartwatch.check.persistence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.restartwatch.check.domain.ProbeKind;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.CheckTrigger;
import io.restartwatch.contracts.OpenPort;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.java.Immutability;

/** A registered server: what it is, how to check it, and when its next check is due. */
@Entity
@Table(name = "server")
public class ServerEntity extends PanacheEntityBase {

    @Id
    public String id;
    public String hostname;
    public String host;
    @Column(name = "ssh_port")
    public Integer sshPort;
    @Column(name = "application_id")
    public String applicationId;
    public String environment;
    // JSON values are replaced, never changed in place: Immutability spares Hibernate a JSON round trip per
    // attribute to snapshot and dirty-check them (measured: the consumers' largest CPU cost).
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    public Map<String, String> labels = new HashMap<>();
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    @Column(name = "open_ports")
    public List<OpenPort> openPorts = new ArrayList<>();
    @Enumerated(EnumType.STRING)
    @Column(name = "probe_kind")
    public ProbeKind probeKind;
    @Column(name = "ssh_user")
    public String sshUser;
    @Column(name = "agent_token_hash")
    public String agentTokenHash;
    /** Grows with every change; published with each snapshot so consumers can drop stale ones. */
    public long revision;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;

    @Column(name = "next_check_at")
    public Instant nextCheckAt;
    @Enumerated(EnumType.STRING)
    @Column(name = "next_trigger")
    public CheckTrigger nextTrigger = CheckTrigger.SCHEDULED;
    @Column(name = "recheck_requested_at")
    public Instant recheckRequestedAt;
    @Column(name = "lease_owner")
    public String leaseOwner;
    @Column(name = "lease_until")
    public Instant leaseUntil;
    @Column(name = "consecutive_failures")
    public int consecutiveFailures;
    /** The deploy this server is to be rechecked for: an agent server's "report due" mark. Null when none. */
    @Column(name = "deploy_recheck_id")
    public String deployRecheckId;
    @Column(name = "deploy_recheck_at")
    public Instant deployRecheckAt;

    // Freshness, read-only here: written only by FreshnessRows' SQL under a row lock, so an entity update
    // (inventory, lease) never writes back a value the freshness job changed meanwhile.
    @Column(name = "last_verified_at", insertable = false, updatable = false)
    public Instant lastVerifiedAt;
    @Column(name = "last_attempt_at", insertable = false, updatable = false)
    public Instant lastAttemptAt;
    @Enumerated(EnumType.STRING)
    @Column(name = "last_attempt_outcome", insertable = false, updatable = false)
    public CheckOutcome lastAttemptOutcome;
    @Column(name = "last_attempt_reason", insertable = false, updatable = false)
    public String lastAttemptReason;
    @Column(name = "last_attempt_detail", insertable = false, updatable = false)
    public String lastAttemptDetail;
    /** Null while the server is verified. */
    @Column(name = "unverified_since", insertable = false, updatable = false)
    public Instant unverifiedSince;
    @Column(name = "unverified_reason", insertable = false, updatable = false)
    public String unverifiedReason;
    @Column(name = "unverified_detail", insertable = false, updatable = false)
    public String unverifiedDetail;
    /** Set once at registration (see Inventory#register); afterwards only FreshnessRows moves it on. */
    @Column(name = "freshness_sequence", updatable = false)
    public long freshnessSequence;

    public static List<ServerEntity> findByApplication(String applicationId, String environment) {
        if (environment == null) {
            return list("applicationId = ?1 order by id", applicationId);
        }
        return list("applicationId = ?1 and environment = ?2 order by id", applicationId, environment);
    }
}
