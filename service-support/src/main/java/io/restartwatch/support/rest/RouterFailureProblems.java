package io.restartwatch.support.rest;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.restartwatch.contracts.EventJson;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

/**
 * Turns the router's own 4xx answers into problem+json. Vert.x Web fails a request before any application code runs
 * when its target cannot be routed: a target that is not an absolute path ({@code GET api/servers}, {@code GET *}) is
 * a 404, a malformed percent-encoding ({@code /api/servers/%zz}) a 400 when it gets this far. Those failures carry a
 * status and no exception, and Quarkus's last failure handler ends them with an empty body.
 *
 * <p>What this cannot reach: a request line the HTTP layer itself refuses (control characters, a space inside the target,
 * no HTTP version; in Quarkus also a malformed percent-encoding) is answered with a bare 400 before the router runs, and
 * Quarkus does not let an application replace that answer (see {@link OversizedRequestProblems}).
 */
@ApplicationScoped
public class RouterFailureProblems {

    /**
     * The statuses the router answers on its own. Not 401: an authentication challenge needs its WWW-Authenticate
     * header, which the mechanism that failed writes.
     */
    private static final Set<Integer> ROUTER_STATUSES = Set.of(400, 404, 405);

    void install(@Observes Router router) {
        install(router, Integer.MIN_VALUE + 1);
    }

    /** After {@link BodyLimit}'s failure handler (order {@code Integer.MIN_VALUE}), whose 413 names the limit. */
    static void install(Router router, int order) {
        router.route().order(order).failureHandler(context -> {
            if (!answer(context, status(context))) {
                context.next();
            }
        });
        // A failure no route's failure handler took (a target that matches no route at all, or cannot be decoded for
        // matching) ends in the router's error handler for its status.
        ROUTER_STATUSES.forEach(status -> router.errorHandler(status, context -> answer(context, status)));
    }

    /** Whether it answered. */
    private static boolean answer(RoutingContext context, int status) {
        if (!ROUTER_STATUSES.contains(status) || context.response().headWritten() || context.response().ended()) {
            return false;
        }
        HttpResponseStatus known = HttpResponseStatus.valueOf(status);
        String detail = status == 400 ? "The request could not be read (e.g. a malformed percent-encoding in its target)"
                : status == 404 ? "No resource at this request target" : known.reasonPhrase();
        context.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(EventJson.write(Problem.of(status, known.reasonPhrase(), detail, List.of())));
        return true;
    }

    /** Only the router's status-only failures (and Vert.x Web's HttpException): an exception is the mappers' business. */
    private static int status(RoutingContext context) {
        Throwable failure = context.failure();
        if (failure == null) {
            return context.statusCode();
        }
        return failure instanceof HttpException http ? http.getStatusCode() : -1;
    }
}
