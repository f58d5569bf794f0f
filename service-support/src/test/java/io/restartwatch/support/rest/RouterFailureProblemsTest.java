package io.restartwatch.support.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Vert.x router and server, spoken to with raw HTTP/1.1 bytes (an HTTP client would refuse to send these
 * targets): the router's own status-only failures become problem+json, everything else passes untouched.
 */
class RouterFailureProblemsTest {

    private static Vertx vertx;
    private static HttpServer server;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        RouterFailureProblems.install(router, 0);
        router.get("/api/ok").handler(context -> context.response().end("fine"));
        router.get("/api/fails-with-status").handler(context -> context.fail(405));
        router.get("/api/unauthenticated").handler(context -> context.fail(401));
        router.get("/api/query").handler(context -> context.response().end(String.valueOf(context.queryParams().size())));
        // The kernel picks the port at bind time, inside this process: nothing can take it in between.
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void malformedPercentEncodingInThePathIsA400ProblemJson() throws IOException {
        String answer = send("GET /api/ok/%zz HTTP/1.1");
        assertThat(answer).startsWith("HTTP/1.1 400 ").containsIgnoringCase("content-type: application/problem+json")
                .contains("\"status\":400");
    }

    @Test
    void aTargetThatIsNotAnAbsolutePathIsA404ProblemJson() throws IOException {
        assertThat(send("GET api/ok HTTP/1.1")).startsWith("HTTP/1.1 404 ").containsIgnoringCase("content-type: application/problem+json");
        assertThat(send("GET * HTTP/1.1")).startsWith("HTTP/1.1 404 ").containsIgnoringCase("content-type: application/problem+json");
    }

    @Test
    void anUnknownPathIsA404ProblemJson() throws IOException {
        assertThat(send("GET /nothing/here HTTP/1.1")).startsWith("HTTP/1.1 404 ").contains("\"title\":\"Not Found\"");
    }

    @Test
    void aStatusOnlyFailureOfAHandlerIsProblemJson() throws IOException {
        assertThat(send("GET /api/fails-with-status HTTP/1.1")).startsWith("HTTP/1.1 405 ")
                .containsIgnoringCase("content-type: application/problem+json");
    }

    @Test
    void a401IsLeftToTheMechanismThatWritesItsChallenge() throws IOException {
        assertThat(send("GET /api/unauthenticated HTTP/1.1")).startsWith("HTTP/1.1 401 ")
                .doesNotContainIgnoringCase("application/problem+json");
    }

    @Test
    void wellFormedRequestsPassUntouched() throws IOException {
        assertThat(send("GET /api/ok HTTP/1.1")).startsWith("HTTP/1.1 200 ").endsWith("fine");
        assertThat(send("GET /api/query?a=1&b=%20 HTTP/1.1")).startsWith("HTTP/1.1 200 ").endsWith("2");
    }

    private static String send(String requestLine) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.actualPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write((requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
