package io.restartwatch.notification.rest;

import java.time.Duration;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import io.restartwatch.notification.domain.TransitionListeners;
import io.restartwatch.notification.domain.TransitionListeners.Transition;
import io.smallrye.mutiny.Multi;
import io.restartwatch.support.security.Roles;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The live stream: every committed transition (opened, escalated, cleared, acknowledged, snoozed) as a
 * Server-Sent Event named after its kind, with the transition as JSON data. A comment line is sent at once
 * and then every heartbeat interval, so proxies keep an idle stream open.
 */
@Path("/api/notifications/stream")
@Tag(name = "notifications", description = "Notifications of pending restarts and unverified servers: list, acknowledge, snooze")
@RolesAllowed(Roles.VIEWER)
public class NotificationStreamResource {

    /** A client this far behind is disconnected (its EventSource reconnects) rather than buffered without end. */
    private static final int MAX_BUFFERED = 512;

    private final TransitionListeners listeners;
    private final Duration heartbeat;

    public NotificationStreamResource(TransitionListeners listeners,
                                      @ConfigProperty(name = "restartwatch.stream.heartbeat", defaultValue = "PT15S") Duration heartbeat) {
        this.listeners = listeners;
        this.heartbeat = heartbeat;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Server-Sent Events: one event per transition, named opened/escalated/cleared/acknowledged/snoozed")
    public Multi<OutboundSseEvent> stream(@Context Sse sse) {
        Multi<OutboundSseEvent> transitions = Multi.createFrom().<Transition>emitter(emitter -> {
                    Runnable unsubscribe = listeners.subscribe(emitter::emit);
                    emitter.onTermination(unsubscribe);
                })
                .onOverflow().buffer(MAX_BUFFERED)
                .map(transition -> sse.newEventBuilder()
                        .name(transition.kind())
                        .mediaType(MediaType.APPLICATION_JSON_TYPE)
                        .data(Transition.class, transition)
                        .build());
        // Subscribed after the transitions: once a client sees "connected", it misses nothing.
        Multi<OutboundSseEvent> connected = Multi.createFrom().item(() -> sse.newEventBuilder().comment("connected").build());
        Multi<OutboundSseEvent> heartbeats = Multi.createFrom().ticks().every(heartbeat)
                .onOverflow().drop()
                .map(tick -> sse.newEventBuilder().comment("heartbeat").build());
        return Multi.createBy().merging().streams(transitions, connected, heartbeats);
    }
}
