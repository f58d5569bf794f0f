package io.restartwatch.support.rest;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.restartwatch.contracts.EventJson;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers a request line longer than {@code quarkus.http.limits.max-initial-line-length} with 414, and headers
 * larger than {@code quarkus.http.limits.max-header-size} with 431, both as problem+json.
 *
 * <p>Vert.x rejects those in its HTTP decoder and answers through {@code HttpServer#invalidRequestHandler}, which
 * Quarkus does not let an application set (quarkus#55082): the answer would be a bare status. So the decoder's
 * own limits are raised to {@value #DECODER_HEADROOM} times the configured ones, and the configured ones are
 * enforced here, first on the router, where problem+json can be written. Past the raised limits the decoder
 * still answers (bare), which keeps what one request may make the server buffer bounded.
 */
@ApplicationScoped
public class OversizedRequestProblems implements HttpServerOptionsCustomizer {

    static final int DECODER_HEADROOM = 4;
    /** " HTTP/1.1" after the URI, and the space before it. */
    private static final int LINE_OVERHEAD = 10;

    private final int maxInitialLine;
    private final long maxHeaderBytes;

    public OversizedRequestProblems(
            @ConfigProperty(name = "quarkus.http.limits.max-initial-line-length", defaultValue = "4096") int maxInitialLine,
            @ConfigProperty(name = "quarkus.http.limits.max-header-size", defaultValue = "20K") MemorySize maxHeaderSize) {
        this.maxInitialLine = maxInitialLine;
        this.maxHeaderBytes = maxHeaderSize.asLongValue();
    }

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        raiseDecoderLimits(options);
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        raiseDecoderLimits(options);
    }

    private void raiseDecoderLimits(HttpServerOptions options) {
        options.setMaxInitialLineLength(Math.max(options.getMaxInitialLineLength(), maxInitialLine * DECODER_HEADROOM));
        options.setMaxHeaderSize((int) Math.min(Integer.MAX_VALUE,
                Math.max(options.getMaxHeaderSize(), maxHeaderBytes * DECODER_HEADROOM)));
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::check);
    }

    private void check(RoutingContext context) {
        HttpServerRequest request = context.request();
        long line = request.method().name().length() + request.uri().length() + LINE_OVERHEAD;
        if (line > maxInitialLine) {
            answer(context, 414, "URI Too Long", "The request line exceeds " + maxInitialLine + " bytes");
            return;
        }
        long headerBytes = 0;
        for (Map.Entry<String, String> header : request.headers()) {
            headerBytes += header.getKey().length() + 2 + header.getValue().length();
        }
        if (headerBytes > maxHeaderBytes) {
            answer(context, 431, "Request Header Fields Too Large", "The request headers exceed " + maxHeaderBytes + " bytes");
            return;
        }
        context.next();
    }

    /** Closes the connection: a body the client may be sending after these headers is never read. */
    private static void answer(RoutingContext context, int status, String title, String detail) {
        context.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(EventJson.write(Problem.of(status, title, detail, List.of())));
    }
}
