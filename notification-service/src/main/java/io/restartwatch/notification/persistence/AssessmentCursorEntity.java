package io.restartwatch.notification.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** The newest assessment sequence applied for a server. */
@Entity
@Table(name = "assessment_cursor")
public class AssessmentCursorEntity extends PanacheEntityBase {

    @Id
    @Column(name = "server_id")
    public String serverId;
    @Column(name = "last_sequence")
    public long lastSequence;

    /** Moves the cursor forward; false when {@code sequence} is not newer (a replay or a late, older assessment). */
    public static boolean advance(String serverId, long sequence) {
        AssessmentCursorEntity cursor = findById(serverId);
        if (cursor == null) {
            cursor = new AssessmentCursorEntity();
            cursor.serverId = serverId;
            cursor.lastSequence = sequence;
            cursor.persist();
            return true;
        }
        if (sequence <= cursor.lastSequence) {
            return false;
        }
        cursor.lastSequence = sequence;
        return true;
    }
}
