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
import io.restartwatch.support.sql.SetStatement;
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

    /** Writes these profiles, new or changed, with one statement (see {@link RestartStateEntity#upsertAll}). */
    public static void upsertAll(EntityManager entityManager, Collection<ServerProfileEntity> profiles) {
        SetStatement.over(profiles, """
                        insert into server_profile (server_id, revision, removed, hostname, application_id, environment, open_ports)
                        select * from unnest(?::varchar[], ?::bigint[], ?::boolean[], ?::varchar[], ?::varchar[], ?::varchar[],
                               ?::jsonb[])
                        on conflict (server_id) do update set revision = excluded.revision, removed = excluded.removed,
                               hostname = excluded.hostname, application_id = excluded.application_id,
                               environment = excluded.environment, open_ports = excluded.open_ports""")
                .column("varchar", profile -> profile.serverId)
                .column("bigint", profile -> profile.revision)
                .column("boolean", profile -> profile.removed)
                .column("varchar", profile -> profile.hostname)
                .column("varchar", profile -> profile.applicationId)
                .column("varchar", profile -> profile.environment)
                .jsonColumn(profile -> profile.openPorts)
                .execute(entityManager);
    }
}
