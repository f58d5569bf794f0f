package io.restartwatch.support.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.restartwatch.contracts.EventJson;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers an oversized request body with 413 problem+json before it is read, and turns the HTTP layer's own
 * 413 (a chunked body that grows past {@code quarkus.http.limits.max-body-size}) into problem+json too.
 */
@ApplicationScoped
public class BodyLimit {

    private final long maxBytes;

    public BodyLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "65536") io.quarkus.runtime.configuration.MemorySize maxBodySize) {
        this.maxBytes = maxBodySize.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::checkDeclaredLength);
        router.route().order(Integer.MIN_VALUE).failureHandler(context -> {
            if (context.statusCode() == 413 && !context.response().headWritten()) {
                tooLarge(context);
            } else {
                context.next();
            }
        });
    }

    private void checkDeclaredLength(RoutingContext context) {
        String declared = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > maxBytes) {
                    tooLarge(context);
                    return;
                }
            } catch (NumberFormatException e) {
                context.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                        .end(EventJson.write(Problem.of(400, "Bad Request", "Content-Length is not a number", java.util.List.of())));
                return;
            }
        }
        context.next();
    }

    private void tooLarge(RoutingContext context) {
        Problem problem = Problem.of(413, "Content Too Large", "The request body exceeds " + maxBytes + " bytes", java.util.List.of());
        context.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(EventJson.write(problem));
    }
}
