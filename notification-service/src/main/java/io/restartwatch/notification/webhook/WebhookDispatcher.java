package io.restartwatch.notification.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.restartwatch.notification.persistence.WebhookAttemptEntity;
import io.restartwatch.notification.persistence.WebhookDeliveryEntity;
import io.restartwatch.notification.persistence.WebhookDeliveryEntity.Status;
import io.restartwatch.notification.persistence.WebhookEntity;
import io.restartwatch.support.worker.BackgroundWorker;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import org.jboss.logging.Logger;

/**
 * Sends due webhook deliveries on its own thread. A pass claims due rows with {@code FOR UPDATE SKIP LOCKED}
 * (so several instances share the work without sending one delivery twice) and leases them, sends them in
 * parallel outside any transaction, then records each attempt and schedules the next one with exponential
 * backoff until {@link WebhookSettings#retryFor()} has passed. Delivery is at least once: a crash between a
 * send and its record re-sends after the lease, under the same {@code X-RestartWatch-Delivery} id.
 * <p>
 * Before each attempt {@link WebhookTargets} resolves and checks the host again, and the request is sent to the
 * address it checked (Vert.x's client connects to a given address while keeping the host name for the Host
 * header, SNI and certificate checks; the JDK client cannot). Redirects are never followed: one to an internal
 * address would get round the check.
 */
@ApplicationScoped
public class WebhookDispatcher {

    public static final String SIGNATURE_HEADER = "X-RestartWatch-Signature";
    public static final String DELIVERY_HEADER = "X-RestartWatch-Delivery";
    public static final String EVENT_HEADER = "X-RestartWatch-Event";
    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);
    private static final int MAX_ERROR_LENGTH = 1000;

    private final EntityManager entityManager;
    private final WebhookSettings settings;
    private final WebhookTargets targets;
    private final Vertx vertx;
    private final Clock clock;
    private HttpClient http;
    private BackgroundWorker worker;

    public WebhookDispatcher(EntityManager entityManager, WebhookSettings settings, WebhookTargets targets, Vertx vertx, Clock clock) {
        this.entityManager = entityManager;
        this.settings = settings;
        this.targets = targets;
        this.vertx = vertx;
        this.clock = clock;
    }

    void start(@Observes StartupEvent event) {
        http = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) settings.requestTimeout().toMillis())
                .setVerifyHost(true));
        // A full batch means more may be due: the next pass runs at once.
        worker = new BackgroundWorker("webhook-dispatcher", settings.pollInterval(),
                () -> dispatchBatch() == settings.batchSize()).start();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        if (worker != null) {
            worker.stop(settings.requestTimeout().plusSeconds(5));
        }
        if (http != null) {
            http.close();
        }
    }

    /** Asks for a pass now (new deliveries were committed) instead of at the next poll. */
    public void wakeUp() {
        if (worker != null) {
            worker.wakeUp();
        }
    }

    /** The wait after {@code failedAttempts} failures: initial × multiplier^(n-1), capped. */
    Duration backoff(int failedAttempts) {
        double millis = settings.initialBackoff().toMillis() * Math.pow(settings.backoffMultiplier(), Math.max(0, failedAttempts - 1));
        return millis >= settings.maxBackoff().toMillis() ? settings.maxBackoff() : Duration.ofMillis((long) millis);
    }

    private int dispatchBatch() {
        List<Claim> claims = QuarkusTransaction.requiringNew().call(() -> claimDue(clock.instant()));
        List<CompletableFuture<Outcome>> sends = new ArrayList<>(claims.size());
        for (Claim claim : claims) {
            sends.add(send(claim));
        }
        // Recorded on this thread: the sends complete on Vert.x event loops, which must not block on the database.
        for (int i = 0; i < claims.size(); i++) {
            Claim claim = claims.get(i);
            Outcome outcome = sends.get(i).join();
            try {
                QuarkusTransaction.requiringNew().run(() -> record(claim, outcome));
            } catch (RuntimeException e) {
                // Unrecorded: the lease runs out and the delivery is tried again.
                LOG.warnf("Could not record webhook delivery %s: %s", claim.deliveryId(), e.toString());
            }
        }
        return claims.size();
    }

    @SuppressWarnings("unchecked")
    private List<Claim> claimDue(Instant now) {
        List<UUID> ids = entityManager.createNativeQuery("""
                        select id from webhook_delivery
                        where status = 'PENDING' and next_attempt_at <= :now
                        order by next_attempt_at
                        limit :limit
                        for update skip locked""", UUID.class)
                .setParameter("now", now)
                .setParameter("limit", settings.batchSize())
                .getResultList();
        List<Claim> claims = new ArrayList<>(ids.size());
        for (UUID id : ids) {
            WebhookDeliveryEntity delivery = WebhookDeliveryEntity.findById(id);
            WebhookEntity webhook = WebhookEntity.findById(delivery.webhookId);
            // The lease: nobody else sends it while this attempt is in flight.
            delivery.nextAttemptAt = now.plus(settings.claimLease());
            claims.add(new Claim(delivery.id, delivery.attempts + 1, delivery.eventType, delivery.body, webhook.url, webhook.secret));
        }
        return claims;
    }

    /** Never completes exceptionally: a failure is an outcome. */
    private CompletableFuture<Outcome> send(Claim claim) {
        Instant started = clock.instant();
        WebhookTargets.Target target;
        try {
            target = targets.check(claim.url());
        } catch (WebhookTargets.Refused e) {
            // Nothing is sent: the host now resolves somewhere it must not go.
            return CompletableFuture.completedFuture(new Outcome(started, 0, null, "Refused: " + e.getMessage()));
        }
        long timeout = settings.requestTimeout().toMillis();
        RequestOptions request = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setServer(SocketAddress.inetSocketAddress(target.port(), target.address().getHostAddress()))
                .setHost(target.host())
                .setPort(target.port())
                .setSsl(target.tls())
                .setURI(target.requestUri())
                .setFollowRedirects(false)
                .setConnectTimeout(timeout)
                .setIdleTimeout(timeout)
                .putHeader("Content-Type", "application/json")
                .putHeader("User-Agent", "RestartWatch-Webhooks/1")
                .putHeader(DELIVERY_HEADER, claim.deliveryId().toString())
                .putHeader(EVENT_HEADER, shortType(claim.eventType()));
        if (claim.secret() != null) {
            request.putHeader(SIGNATURE_HEADER, WebhookSignature.sign(claim.secret(), claim.body()));
        }
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        try {
            http.request(request)
                    .compose(req -> req.send(Buffer.buffer(claim.body())))
                    .compose(response -> response.end().map(ended -> response.statusCode()))
                    .onComplete(result -> {
                        long millis = Duration.between(started, clock.instant()).toMillis();
                        if (result.failed()) {
                            Throwable cause = result.cause();
                            outcome.complete(new Outcome(started, millis, null, cause.getClass().getSimpleName() + ": " + cause.getMessage()));
                        } else {
                            int code = result.result();
                            outcome.complete(new Outcome(started, millis, code, code / 100 == 2 ? null : "HTTP " + code));
                        }
                    });
        } catch (RuntimeException e) {
            outcome.complete(new Outcome(started, 0, null, e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
        return outcome;
    }

    private void record(Claim claim, Outcome outcome) {
        Instant now = clock.instant();
        WebhookDeliveryEntity delivery = WebhookDeliveryEntity.findById(claim.deliveryId());
        WebhookAttemptEntity attempt = new WebhookAttemptEntity();
        attempt.deliveryId = claim.deliveryId();
        attempt.attempt = claim.attempt();
        attempt.startedAt = outcome.startedAt();
        attempt.durationMs = outcome.durationMs();
        attempt.statusCode = outcome.statusCode();
        attempt.error = truncate(outcome.error());
        attempt.persist();
        delivery.attempts = claim.attempt();
        if (delivery.status != Status.PENDING) {
            return; // cancelled while in flight
        }
        if (outcome.error() == null) {
            delivery.status = Status.DELIVERED;
            delivery.deliveredAt = now;
            delivery.lastError = null;
            return;
        }
        delivery.lastError = attempt.error;
        Instant next = now.plus(backoff(claim.attempt()));
        if (next.isAfter(delivery.createdAt.plus(settings.retryFor()))) {
            delivery.status = Status.FAILED;
            LOG.warnf("Webhook delivery %s given up after %d attempts: %s", delivery.id, delivery.attempts, delivery.lastError);
        } else {
            delivery.nextAttemptAt = next;
        }
    }

    /** {@code io.restartwatch.notification.opened} → {@code notification.opened}. */
    private static String shortType(String type) {
        return type.startsWith("io.restartwatch.") ? type.substring("io.restartwatch.".length()) : type;
    }

    private static String truncate(String text) {
        return text == null || text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH);
    }

    private record Claim(UUID deliveryId, int attempt, String eventType, String body, String url, String secret) {
    }

    private record Outcome(Instant startedAt, long durationMs, Integer statusCode, String error) {
    }
}
