package io.restartwatch.plan.messaging;

import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;

import io.restartwatch.contracts.CloudEventHeaders;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.PlanEvent;
import io.restartwatch.contracts.RestartEvent;
import io.restartwatch.plan.scheduling.ExecutorReports;
import io.restartwatch.support.messaging.BatchApplier;
import io.restartwatch.support.messaging.IncomingCloudEvent;
import io.restartwatch.support.messaging.PoisonEventException;
import io.restartwatch.support.messaging.ProcessedEvents;
import io.smallrye.common.annotation.Blocking;
import io.quarkus.narayana.jta.QuarkusTransaction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Executors' reports from {@code restartwatch.restarts}: {@code restart.started} and {@code restart.failed} from any
 * source but plan-service itself (whose own events on the topic are what it already did). Other types on the topic
 * are plan-service's own vocabulary and are passed over.
 */
@ApplicationScoped
public class ExecutorReportConsumer {

    public static final String CHANNEL = "restarts";
    /** CloudEvent source of plan-service's own events (Outbox: {@code /restartwatch/<application name>}). */
    public static final String OWN_SOURCE = "/restartwatch/plan-service";
    private static final String CONSUMER = "restarts";
    private static final String RESTART_EVENTS = "io.restartwatch.restart.";
    private static final String PLAN_EVENTS = "io.restartwatch.plan.";
    private static final Logger LOG = Logger.getLogger(ExecutorReportConsumer.class);

    private final ExecutorReports reports;
    private final ProcessedEvents processed;
    private final BatchApplier batches;

    public ExecutorReportConsumer(ExecutorReports reports, ProcessedEvents processed, BatchApplier batches) {
        this.reports = reports;
        this.processed = processed;
        this.batches = batches;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void onRestarts(ConsumerRecords<String, String> records) {
        batches.apply(records, ExecutorReportConsumer::parse, ExecutorReportConsumer::lockKey, this::apply);
    }

    /** An event of the topic: a restart's (with its data) or a plan's (passed over, data null). */
    record Report(String type, RestartEvent event) {
    }

    static Received<Report> parse(ConsumerRecord<String, String> record) {
        var type = record.headers().lastHeader(CloudEventHeaders.TYPE);
        String typeName = type == null || type.value() == null ? "" : new String(type.value(), StandardCharsets.UTF_8);
        if (typeName.startsWith(PLAN_EVENTS)) {
            var event = IncomingCloudEvent.parse(record, PlanEvent.class);
            return new Received<>(event.id(), event.source(), new Report(event.type(), null));
        }
        var event = IncomingCloudEvent.parse(record, RestartEvent.class);
        if (!event.type().startsWith(RESTART_EVENTS)) {
            throw new PoisonEventException("Unexpected event type " + event.type() + " on the restarts topic");
        }
        RestartEvent restart = event.data();
        if (restart.restartId() == null || restart.restartId().isBlank() || restart.serverId() == null) {
            throw new PoisonEventException(event.type() + " " + event.id() + " has no restartId or serverId");
        }
        return new Received<>(event.id(), event.source(), new Report(event.type(), restart));
    }

    private static String lockKey(Received<Report> received) {
        return received.data().event() == null ? "" : received.data().event().serverId();
    }

    void apply(Received<Report> received) {
        Report report = received.data();
        boolean executorReport = report.event() != null && !OWN_SOURCE.equals(received.source())
                && (EventTypes.RESTART_STARTED.equals(report.type()) || EventTypes.RESTART_FAILED.equals(report.type()));
        if (!executorReport) {
            return;
        }
        // The reports' own transactions join the batch's; the processed-event row goes with them.
        QuarkusTransaction.joiningExisting().run(() -> {
            if (!processed.firstDelivery(CONSUMER, received.eventId())) {
                return;
            }
            RestartEvent event = report.event();
            String executor = event.executor() == null ? received.source() : event.executor();
            ExecutorReports.Result result = EventTypes.RESTART_STARTED.equals(report.type())
                    ? reports.started(event.restartId(), executor, false)
                    : reports.failed(event.restartId(), event.reason(), event.detail(), executor, false);
            if (result.outcome() == ExecutorReports.Outcome.UNKNOWN || result.outcome() == ExecutorReports.Outcome.NOT_IN_PROGRESS) {
                LOG.infof("%s of restart %s from %s passed over: %s (%s)", report.type(), event.restartId(), executor,
                        result.outcome(), result.status());
            }
        });
    }
}
