package io.restartwatch.notification;

import static io.restartwatch.notification.Assessments.pending;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.Surface;
import io.restartwatch.testsupport.LocalInfraResource;
import io.restartwatch.testsupport.TestCredentials;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "notification"))
class NotificationStreamTest {

    @TestHTTPResource("/api/notifications/stream")
    URI stream;

    private final Assessments assessments = new Assessments();

    @Test
    void aConnectedClientReceivesEachTransitionAndHeartbeats() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        HttpResponse<String> refused = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(stream).header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).as("the stream without credentials").isEqualTo(401);

        HttpResponse<Stream<String>> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(stream).header("Accept", "text/event-stream")
                                .header("Authorization", TestCredentials.bearer(TestCredentials.ADMIN_KEY)).build(),
                        HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        Thread reader = new Thread(() -> {
            try (Stream<String> body = response.body()) {
                body.forEach(lines::add);
            } catch (RuntimeException closed) {
                // the test closed the stream
            }
        }, "sse-test-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream().anyMatch(l -> l.matches(": ?connected")));

            String server = Assessments.unique("live");
            assessments.publish(pending(server, 1, "shop", PriorityLevel.HIGH, 70, Exposure.PUBLIC, Duration.ofDays(1), Surface.DASHBOARD));

            await().atMost(Duration.ofSeconds(30)).until(() -> indexOfData(lines, server) > 0);
            int data = indexOfData(lines, server);
            assertThat(lines.get(data - 1)).matches("event: ?opened");
            assertThat(lines.get(data)).contains("\"kind\":\"opened\"").contains("\"level\":\"HIGH\"").contains("\"status\":\"OPEN\"")
                    .contains("\"notificationKind\":\"REBOOT\"");
            // Heartbeats keep an idle stream open through proxies (1 s in tests).
            await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream().anyMatch(l -> l.matches(": ?heartbeat")));
        } finally {
            reader.interrupt();
            response.body().close();
        }
    }

    private static int indexOfData(List<String> lines, String server) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("data:") && lines.get(i).contains("\"serverId\":\"" + server + "\"")) {
                return i;
            }
        }
        return -1;
    }
}
