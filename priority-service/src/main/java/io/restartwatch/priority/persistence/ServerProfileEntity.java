package io.restartwatch.priority.persistence;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.restartwatch.contracts.OpenPort;
import io.restartwatch.support.sql.SetUpsert;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.java.Immutability;

/** This service's copy of a server's inventory snapshot (from {@code restartwatch.servers}). */
@Entity
@Table(name = "server_profile")
public class ServerProfileEntity extends PanacheEntityBase {

    @Id
    @Column(name = "server_id")
    public String serverId;
    public long revision;
    public boolean removed;
    public String hostname;
    @Column(name = "application_id")
    public String applicationId;
    public String environment;
    // JSON values are replaced, never changed in place: Immutability spares Hibernate a JSON round trip per
    // attribute to snapshot and dirty-check them (measured: the consumers' largest CPU cost).
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    @Column(name = "open_ports")
    public List<OpenPort> openPorts = new ArrayList<>();

    private static final SetUpsert<ServerProfileEntity> UPSERT = SetUpsert.<ServerProfileEntity>into("server_profile")
            .key("server_id", "varchar", profile -> profile.serverId)
            .column("revision", "bigint", profile -> profile.revision)
            .column("removed", "boolean", profile -> profile.removed)
            .column("hostname", "varchar", profile -> profile.hostname)
            .column("application_id", "varchar", profile -> profile.applicationId)
            .column("environment", "varchar", profile -> profile.environment)
            .json("open_ports", profile -> profile.openPorts);

    /** Writes these profiles, new or changed, with one statement (see {@link RestartStateEntity#upsertAll}). */
    public static void upsertAll(EntityManager entityManager, Collection<ServerProfileEntity> profiles) {
        UPSERT.execute(entityManager, profiles);
    }
}
