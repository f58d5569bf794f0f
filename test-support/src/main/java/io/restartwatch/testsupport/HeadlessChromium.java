package io.restartwatch.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Debian's headless Chromium driven over the Chrome DevTools Protocol with the JDK's own HTTP and WebSocket
 * clients: no browser download and no driver dependency. One page; navigate, evaluate JavaScript, screenshot.
 * Chromium (Debian package chromium) is installed when missing through {@link TestTools}; the page tests of
 * notification-service and plan-service drive it.
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final Pattern DEVTOOLS_URL = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final WebSocket page;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    private HeadlessChromium(Process process, WebSocket page) {
        this.process = process;
        this.page = page;
    }

    public static HeadlessChromium start(Path workDir, int width, int height) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(Files.createDirectories(workDir), "chromium-profile-");
        Process process = new ProcessBuilder(List.of(executable(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars", "--remote-debugging-port=0",
                "--remote-debugging-address=127.0.0.1", "--user-data-dir=" + profile,
                "--window-size=" + width + "," + height, "about:blank"))
                .redirectErrorStream(true)
                .start();
        try {
            URI browser = URI.create(CompletableFuture.supplyAsync(() -> awaitDevToolsUrl(process))
                    .get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            URI list = URI.create("http://" + browser.getHost() + ":" + browser.getPort() + "/json/list");
            HttpClient http = HttpClient.newHttpClient();
            String pageUrl = null;
            for (JsonNode target : JSON.readTree(http.send(HttpRequest.newBuilder(list).build(),
                    HttpResponse.BodyHandlers.ofString()).body())) {
                if ("page".equals(target.path("type").asText())) {
                    pageUrl = target.path("webSocketDebuggerUrl").asText();
                    break;
                }
            }
            if (pageUrl == null) {
                throw new IllegalStateException("Chromium opened no page");
            }
            HeadlessChromium[] self = new HeadlessChromium[1];
            WebSocket socket = http.newWebSocketBuilder()
                    .buildAsync(URI.create(pageUrl), new Listener(message -> self[0].onMessage(message)))
                    .get(30, TimeUnit.SECONDS);
            self[0] = new HeadlessChromium(process, socket);
            self[0].send("Page.enable", Map.of());
            return self[0];
        } catch (IOException | InterruptedException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("Could not connect to Chromium", e);
        }
    }

    public void navigate(String url) {
        send("Page.navigate", Map.of("url", url));
    }

    /** The value of a JavaScript expression (JSON-able), evaluated in the page. */
    public JsonNode evaluate(String expression) {
        JsonNode result = send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("JavaScript failed: " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    public void screenshot(Path file) throws IOException {
        JsonNode shot = send("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", false));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(shot.path("data").asText()));
    }

    private JsonNode send(String method, Map<String, Object> params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        try {
            page.sendText(JSON.writeValueAsString(Map.of("id", id, "method", method, "params", params)), true).join();
            JsonNode answer = reply.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (answer.has("error")) {
                throw new IllegalStateException(method + " failed: " + answer.get("error"));
            }
            return answer.path("result");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(method + " got no answer", e);
        } finally {
            pending.remove(id);
        }
    }

    private void onMessage(String message) {
        try {
            JsonNode json = JSON.readTree(message);
            if (json.has("id")) {
                CompletableFuture<JsonNode> reply = pending.get(json.get("id").asInt());
                if (reply != null) {
                    reply.complete(json);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        page.abort();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static String executable() {
        return TestTools.ensure("chromium").toString();
    }

    /** Chromium prints its DevTools address on stderr once it listens; the rest of its output is drained. */
    private static String awaitDevToolsUrl(Process process) {
        try {
            return readDevToolsUrl(process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readDevToolsUrl(Process process) throws IOException {
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = output.readLine()) != null) {
            Matcher url = DEVTOOLS_URL.matcher(line);
            if (url.find()) {
                Thread drain = new Thread(() -> output.lines().forEach(ignored -> { }), "chromium-output");
                drain.setDaemon(true);
                drain.start();
                return url.group(1);
            }
            seen.append(line).append('\n');
        }
        throw new IllegalStateException("Chromium exited before listening:\n" + seen);
    }

    /** Reassembles fragmented text frames. */
    private static final class Listener implements WebSocket.Listener {

        private final java.util.function.Consumer<String> onMessage;
        private final StringBuilder partial = new StringBuilder();

        Listener(java.util.function.Consumer<String> onMessage) {
            this.onMessage = onMessage;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String message = partial.toString();
                partial.setLength(0);
                onMessage.accept(message);
            }
            socket.request(1);
            return null;
        }
    }
}
