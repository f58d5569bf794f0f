package io.restartwatch.notification.messaging;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import io.restartwatch.contracts.EventJson;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.PlanEvent;
import io.restartwatch.contracts.RestartEvent;
import io.restartwatch.notification.domain.Notifications;
import io.restartwatch.support.messaging.BatchApplier;
import io.restartwatch.support.messaging.IncomingCloudEvent;
import io.restartwatch.support.messaging.PoisonEventException;
import io.smallrye.common.annotation.Blocking;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Restart plans on restartwatch.restarts, as far as people must hear of them: {@code plan.halted} opens a
 * PLAN_HALTED notification for the server that halted the plan; {@code plan.resumed}, {@code plan.cancelled},
 * {@code plan.completed} of that plan or {@code restart.verified} of that server clear it. Every other event of the
 * topic is passed over. A polled batch per transaction.
 */
@ApplicationScoped
public class RestartsConsumer {

    public static final String CHANNEL = "restarts";
    /** The plan events that let a halted plan go on, and the words the cleared notification uses for each. */
    private static final Map<String, String> PLAN_GOES_ON = Map.of(
            EventTypes.PLAN_RESUMED, "resumed",
            EventTypes.PLAN_CANCELLED, "cancelled",
            EventTypes.PLAN_COMPLETED, "completed");

    private final Notifications notifications;
    private final BatchApplier batches;

    public RestartsConsumer(Notifications notifications, BatchApplier batches) {
        this.notifications = notifications;
        this.batches = batches;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void onRestarts(ConsumerRecords<String, String> records) {
        batches.apply(records, RestartsConsumer::parse, Received::lockKey, this::apply);
    }

    private void apply(Received received) {
        if (received.halted() != null) {
            notifications.onPlanHalted(received.eventId(), received.halted());
        } else if (received.goesOn() != null) {
            notifications.onPlanGoesOn(received.eventId(), received.goesOn(), PLAN_GOES_ON.get(received.type()));
        } else if (received.verified() != null) {
            notifications.onRestartVerified(received.eventId(), received.verified());
        }
    }

    static Received parse(ConsumerRecord<String, String> record) {
        // The type first: each type has its own data, and the ones passed over are not ours to judge.
        var event = IncomingCloudEvent.parse(record, JsonNode.class);
        String type = event.type();
        if (EventTypes.PLAN_HALTED.equals(type) || PLAN_GOES_ON.containsKey(type)) {
            PlanEvent plan = read(record, event.id(), type, PlanEvent.class);
            if (blank(plan.planId())) {
                throw new PoisonEventException(type + " " + event.id() + " lacks planId");
            }
            if (EventTypes.PLAN_HALTED.equals(type)) {
                if (blank(plan.serverId()) || plan.serverId().length() > 63) {
                    throw new PoisonEventException(type + " " + event.id() + " names no server that halted it");
                }
                return new Received(event.id(), type, plan.serverId(), plan, null, null);
            }
            return new Received(event.id(), type, plan.planId(), null, plan, null);
        }
        if (EventTypes.RESTART_VERIFIED.equals(type)) {
            RestartEvent restart = read(record, event.id(), type, RestartEvent.class);
            if (blank(restart.serverId())) {
                throw new PoisonEventException(type + " " + event.id() + " lacks serverId");
            }
            return new Received(event.id(), type, restart.serverId(), null, null, restart);
        }
        return new Received(event.id(), type, "", null, null, null);
    }

    private static <T> T read(ConsumerRecord<String, String> record, String id, String type, Class<T> dataType) {
        try {
            return EventJson.read(record.value(), dataType);
        } catch (IllegalArgumentException e) {
            throw new PoisonEventException(type + " " + id + ": " + e.getMessage(), e);
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    /** One event of the topic: at most one of halted, goesOn and verified is set; none for one passed over. */
    record Received(String eventId, String type, String lockKey, PlanEvent halted, PlanEvent goesOn, RestartEvent verified) {
    }
}
