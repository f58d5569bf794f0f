package io.restartwatch.notification.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * The newest {@code restartwatch.freshness} sequence applied for a server. Its own cursor: freshness transitions
 * are numbered by check-service, assessments by priority-service.
 */
@Entity
@Table(name = "freshness_cursor")
public class FreshnessCursorEntity extends PanacheEntityBase {

    @Id
    @Column(name = "server_id")
    public String serverId;
    @Column(name = "last_sequence")
    public long lastSequence;

    /** Moves the cursor forward; false when {@code sequence} is not newer (a replay or a late, older transition). */
    public static boolean advance(String serverId, long sequence) {
        FreshnessCursorEntity cursor = findById(serverId);
        if (cursor == null) {
            cursor = new FreshnessCursorEntity();
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
