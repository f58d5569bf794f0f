package io.restartwatch.deployhook.rest;

import java.sql.SQLException;
import java.util.function.Supplier;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.restartwatch.deployhook.domain.Deploys;

/** How every hook answers, and how it survives two deliveries of one deploy racing each other. */
final class HookAnswers {

    /** SQLState of a unique-key violation: the other request inserted the same deploy first. */
    private static final String UNIQUE_VIOLATION = "23505";

    private HookAnswers() {
    }

    /** 202 when something new was recorded, 200 for a repeat; both carry the (original) event id. */
    static Response of(Deploys.Received received) {
        return Response.status(received.repeated() ? Response.Status.OK : Response.Status.ACCEPTED)
                .type(MediaType.APPLICATION_JSON)
                .entity(received).build();
    }

    /** 202 with why nothing was recorded: the source should not retry, and its delivery log shows the reason. */
    static Response ignored(String reason) {
        return Response.accepted(new Ignored(reason)).type(MediaType.APPLICATION_JSON).build();
    }

    /**
     * Runs {@code receive} again when it lost a race on the deploy's primary key: the second run sees the
     * winner's row and answers as a repeat, instead of a 500.
     */
    static Deploys.Received retryingDuplicate(Supplier<Deploys.Received> receive) {
        try {
            return receive.get();
        } catch (RuntimeException e) {
            if (!isUniqueViolation(e)) {
                throw e;
            }
            return receive.get();
        }
    }

    private static boolean isUniqueViolation(Throwable failure) {
        for (Throwable cause = failure; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** Body of an event the hook accepted but does not act on. */
    record Ignored(String ignored) {
    }
}
