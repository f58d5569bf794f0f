package io.restartwatch.notification.persistence;

import java.util.Collection;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.support.sql.SetUpsert;

/** The newest assessment sequence applied for a server, and the exposure it reported. */
@Entity
@Table(name = "assessment_cursor")
public class AssessmentCursorEntity extends PanacheEntityBase {

    @Id
    @Column(name = "server_id")
    public String serverId;
    @Column(name = "last_sequence")
    public long lastSequence;
    /** The newest assessment's exposure (cleared assessments carry it too); null when none said. */
    @Enumerated(EnumType.STRING)
    public Exposure exposure;

    /** A server's first assessment: its cursor, written by {@link #upsertAll}. */
    public static AssessmentCursorEntity start(String serverId, long sequence, Exposure exposure) {
        AssessmentCursorEntity cursor = new AssessmentCursorEntity();
        cursor.serverId = serverId;
        cursor.lastSequence = sequence;
        cursor.exposure = exposure;
        return cursor;
    }

    private static final SetUpsert<AssessmentCursorEntity> UPSERT = SetUpsert.<AssessmentCursorEntity>into("assessment_cursor")
            .key("server_id", "varchar", cursor -> cursor.serverId)
            .column("last_sequence", "bigint", cursor -> cursor.lastSequence)
            .column("exposure", "varchar", cursor -> cursor.exposure);

    /** Writes these cursors, new or moved, with one statement; one cursor per server. */
    public static void upsertAll(EntityManager entityManager, Collection<AssessmentCursorEntity> cursors) {
        UPSERT.execute(entityManager, cursors);
    }

    /** Moves the cursor forward; false when {@code sequence} is not newer (a replay or a late, older assessment). */
    public boolean advance(long sequence, Exposure exposure) {
        if (sequence <= lastSequence) {
            return false;
        }
        lastSequence = sequence;
        if (exposure != null) {
            this.exposure = exposure;
        }
        return true;
    }

    /** The last exposure assessed for the server; null when never assessed or never said. */
    public static Exposure lastExposure(String serverId) {
        AssessmentCursorEntity cursor = findById(serverId);
        return cursor == null ? null : cursor.exposure;
    }
}
