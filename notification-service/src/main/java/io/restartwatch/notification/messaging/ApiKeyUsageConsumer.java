package io.restartwatch.notification.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import io.restartwatch.contracts.ApiKeyUsed;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.notification.domain.ApiKeyAdministration;
import io.restartwatch.support.messaging.IncomingCloudEvent;
import io.restartwatch.support.messaging.PoisonEventException;
import io.smallrye.common.annotation.Blocking;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Keeps each API key's last-used time from what every service instance reports; applying a report twice changes nothing. */
@ApplicationScoped
public class ApiKeyUsageConsumer {

    public static final String CHANNEL = "apikey-usage";

    private final ApiKeyAdministration keys;

    public ApiKeyUsageConsumer(ApiKeyAdministration keys) {
        this.keys = keys;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void onUsage(ConsumerRecord<String, String> record) {
        var event = IncomingCloudEvent.parse(record, ApiKeyUsed.class);
        if (!EventTypes.API_KEY_USED.equals(event.type())) {
            throw new PoisonEventException("Unexpected event type " + event.type() + " on the API key usage topic");
        }
        ApiKeyUsed used = event.data();
        if (used.keyId() == null || used.lastUsedAt() == null) {
            throw new PoisonEventException("apikey.used " + event.id() + " lacks keyId or lastUsedAt");
        }
        keys.used(used.keyId(), used.lastUsedAt());
    }
}
