package io.restartwatch.check.messaging;

import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import io.restartwatch.check.domain.AgentRestarts;
import io.restartwatch.contracts.EventJson;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.RestartEvent;
import io.restartwatch.support.messaging.BatchApplier;
import io.restartwatch.support.messaging.IncomingCloudEvent;
import io.restartwatch.support.messaging.PoisonEventException;
import io.smallrye.common.annotation.Blocking;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Planned restarts for the agent to execute: {@code restart.scheduled} and {@code restart.cancelled} from
 * restartwatch.restarts, a polled batch per transaction (a released wave arrives at once). Every other event of
 * the topic (plan.*, restart.verified, the executors' reports, and this service's own restart.started / failed)
 * is passed over.
 */
@ApplicationScoped
public class RestartEventsConsumer {

    public static final String CHANNEL = "restarts";
    private static final Set<String> KEPT = Set.of(EventTypes.RESTART_SCHEDULED, EventTypes.RESTART_CANCELLED);
    /** Restart ids go into the agent's state file and its URLs: nothing but these characters. */
    static final Pattern RESTART_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,99}");
    private static final int MAX_SERVER_ID = 63;

    private final AgentRestarts restarts;
    private final BatchApplier batches;
    private final String ownSource;

    public RestartEventsConsumer(AgentRestarts restarts, BatchApplier batches,
                                 @ConfigProperty(name = "quarkus.application.name") String applicationName) {
        this.restarts = restarts;
        this.batches = batches;
        // As service-support's Outbox names this service in ce_source.
        this.ownSource = "/restartwatch/" + applicationName;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void onRestarts(ConsumerRecords<String, String> records) {
        batches.apply(records, this::parse, received -> received == Received.SKIPPED ? "" : received.restart().serverId(),
                received -> {
                    if (received != Received.SKIPPED) {
                        restarts.onRestartEvent(received.eventId(), received.type(), received.restart());
                    }
                });
    }

    Received parse(ConsumerRecord<String, String> record) {
        // The type first: plan.* events carry other data, which only their own consumers judge.
        var event = IncomingCloudEvent.parse(record, JsonNode.class);
        if (!KEPT.contains(event.type()) || ownSource.equals(event.source())) {
            return Received.SKIPPED;
        }
        RestartEvent restart;
        try {
            restart = EventJson.read(record.value(), RestartEvent.class);
        } catch (IllegalArgumentException e) {
            throw new PoisonEventException(event.type() + " " + event.id() + ": " + e.getMessage(), e);
        }
        if (restart.restartId() == null || !RESTART_ID.matcher(restart.restartId()).matches()) {
            throw new PoisonEventException(event.type() + " " + event.id() + " lacks a restartId matching " + RESTART_ID);
        }
        if (restart.serverId() == null || restart.serverId().isBlank() || restart.serverId().length() > MAX_SERVER_ID) {
            throw new PoisonEventException(event.type() + " " + event.id() + " lacks a serverId (at most 63 characters)");
        }
        if (restart.notBefore() == null || restart.notAfter() == null || restart.notAfter().isBefore(restart.notBefore())) {
            throw new PoisonEventException(event.type() + " " + event.id() + " lacks a window (notBefore <= notAfter)");
        }
        return new Received(event.id(), event.type(), restart);
    }

    record Received(String eventId, String type, RestartEvent restart) {
        static final Received SKIPPED = new Received(null, null, null);
    }
}
