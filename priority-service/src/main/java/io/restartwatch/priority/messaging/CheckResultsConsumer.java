package io.restartwatch.priority.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import io.restartwatch.contracts.CheckCompleted;
import io.restartwatch.contracts.DiscoveredExposure;
import io.restartwatch.contracts.FirewallFacts;
import io.restartwatch.contracts.ListeningSocket;
import io.restartwatch.contracts.OpenPort;
import io.restartwatch.priority.domain.Assessor;
import io.restartwatch.support.messaging.BatchApplier;
import io.restartwatch.support.messaging.IncomingCloudEvent;
import io.restartwatch.support.messaging.PoisonEventException;
import io.smallrye.common.annotation.Blocking;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Applies every {@code check.completed} to the server's restart state, a polled batch per transaction and as a set
 * (a patch-day burst arrives as thousands of checks within minutes: the database work is per batch, not per check).
 */
@ApplicationScoped
public class CheckResultsConsumer {

    public static final String CHANNEL = "checks";

    private final Assessor assessor;
    private final BatchApplier batches;

    public CheckResultsConsumer(Assessor assessor, BatchApplier batches) {
        this.assessor = assessor;
        this.batches = batches;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void onChecks(ConsumerRecords<String, String> records) {
        batches.applyAll(records, CheckResultsConsumer::parse, CheckCompleted::serverId, assessor::onChecks);
    }

    static CheckCompleted parse(ConsumerRecord<String, String> record) {
        var event = IncomingCloudEvent.parseCheckCompleted(record);
        CheckCompleted check = event.data();
        validateDiscovered(event.id(), check.discovered());
        return check;
    }

    /**
     * Discovered exposure beyond what a real server has (check-service refuses it too) or sockets and rules that
     * name no port is garbage: the check is dead-lettered with the reason rather than weighed half. (Null list
     * elements never get here: the records' {@code List.copyOf} refuses them while parsing.)
     */
    static void validateDiscovered(String eventId, DiscoveredExposure discovered) {
        if (discovered == null) {
            return;
        }
        if (discovered.listening().size() > DiscoveredExposure.MAX_SOCKETS) {
            throw new PoisonEventException("check.completed " + eventId + " lists " + discovered.listening().size()
                    + " listening sockets, more than " + DiscoveredExposure.MAX_SOCKETS);
        }
        for (ListeningSocket socket : discovered.listening()) {
            if (socket.address() == null || socket.protocol() == null || !isPort(socket.port())) {
                throw new PoisonEventException("check.completed " + eventId + " has a listening socket without protocol, address or a port 1-65535: " + socket);
            }
        }
        FirewallFacts firewall = discovered.firewall();
        if (firewall != null) {
            if (firewall.allowed().size() > DiscoveredExposure.MAX_FIREWALL_RULES) {
                throw new PoisonEventException("check.completed " + eventId + " lists " + firewall.allowed().size()
                        + " firewall rules, more than " + DiscoveredExposure.MAX_FIREWALL_RULES);
            }
            for (OpenPort rule : firewall.allowed()) {
                if (!isPort(rule.port())) {
                    throw new PoisonEventException("check.completed " + eventId + " has a firewall rule without a port 1-65535: " + rule);
                }
            }
        }
    }

    private static boolean isPort(int port) {
        return port >= 1 && port <= 65535;
    }
}
