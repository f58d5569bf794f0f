package io.restartwatch.support.retention;

import java.time.Duration;

import jakarta.validation.constraints.Min;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * How the retention job runs, and how long the idempotent-consumer log is kept. Each service maps its own
 * history limits under the same {@code restartwatch.retention} prefix.
 */
@ConfigMapping(prefix = "restartwatch.retention")
public interface RetentionSettings {

    /** Off in tests, which call {@link RetentionJob#runOnce()} themselves. */
    @WithDefault("true")
    boolean enabled();

    /** Time between two passes (the first one starts at a random point of the first interval). */
    @WithDefault("PT1H")
    @DurationMin(seconds = 1)
    Duration interval();

    /** Rows deleted per transaction: small enough that no pass holds locks or a transaction open for long. */
    @WithDefault("5000")
    @Min(1)
    int batchSize();

    /**
     * How long a consumed event id is remembered. It must outlive every way the event can be delivered again:
     * topics keep records 7 days (retention.ms in deploy/kafka/topics.yaml), a record is consumed no earlier
     * than it was written, so a row kept 7 days after processing outlives the record's retention. Kafka deletes
     * whole segments, so a record can linger past retention.ms, and compacted topics keep records for good: such
     * a late redelivery (an offset reset) is still harmless, every consumer also orders by a revision, sequence
     * or check time, and a deploy seen again only rechecks.
     */
    @WithDefault("P7D")
    @DurationMin(millis = 1)
    Duration processedEvents();
}
