package io.restartwatch.notification.fleet;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.restartwatch.contracts.OpenPort;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.java.Immutability;

/** A server as {@code restartwatch.servers} last described it; written by {@link FleetReadModel} only. */
@Entity
@Table(name = "fleet_server")
public class FleetServerEntity extends PanacheEntityBase {

    @Id
    @Column(name = "server_id")
    public String serverId;
    public long revision;
    public boolean removed;
    public String hostname;
    @Column(name = "application_id")
    public String applicationId;
    public String environment;
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    public Map<String, String> labels;
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    @Column(name = "open_ports")
    public List<OpenPort> openPorts;
    @Column(name = "probe_kind")
    public String probeKind;
    @Column(name = "changed_at")
    public Instant changedAt;
}
