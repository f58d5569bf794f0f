package io.restartwatch.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.restartwatch.contracts.EventJson;

/**
 * Registers a small demo fleet with a running stack so a newcomer sees notifications appear. Each demo
 * server is a directory under {@code .local/demo-fleet/<id>} that stands for its root file system (the
 * check-service "local" probe reads {@code var/run/reboot-required} there). Idempotent: servers already
 * registered are left alone.
 *
 * <p>Try it: delete {@code .local/demo-fleet/shop-web-1/var/run/reboot-required}, then send a deploy of
 * {@code shop} (see the printed command): the notification clears within seconds.
 */
public final class DemoFleet {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private DemoFleet() {
    }

    /** The demo's agent server whose agent never reports. */
    static final String SILENT_AGENT = "legacy-1";
    /** The application whose servers run the agent in execute mode: the demo's restart plans reboot them. */
    static final String PLANNED_APPLICATION = "payments";

    record DemoServer(String id, String app, String env, String ports, int pendingDays, List<String> packages) {
    }

    static final List<DemoServer> FLEET = List.of(
            new DemoServer("shop-web-1", "shop", "production", port(443, "0.0.0.0/0", "::/0"), 9, List.of("linux-image-6.8.0-49-generic", "linux-base")),
            new DemoServer("shop-web-2", "shop", "production", port(443, "0.0.0.0/0"), 2, List.of("libssl3")),
            new DemoServer("shop-db-1", "shop", "production", port(5432, "10.0.0.0/8"), -1, List.of()),
            new DemoServer("billing-api-1", "billing", "production", port(443, "203.0.113.0/24"), 1, List.of("openssh-server")),
            new DemoServer("billing-worker-1", "billing", "production", port(9100, "10.0.0.0/8"), 12, List.of("systemd", "libsystemd0")),
            new DemoServer("intranet-1", "intranet", "production", port(80, "192.168.0.0/16"), 0, List.of("dbus")),
            new DemoServer("intranet-2", "intranet", "staging", port(80, "192.168.0.0/16"), -1, List.of()),
            new DemoServer("bastion-1", "ops", "production", port(22, "::/0"), 40, List.of("linux-image-6.8.0-45-generic", "libc6")));

    /**
     * Agent servers of {@link #PLANNED_APPLICATION}: their agent runs in execute mode in ./stack's background loop
     * (every 5 s, {@code --if-due}) and "reboots" them with the fake reboot command (a new boot id, no sentinel).
     * Two are open to the internet and one has a kernel update pending, so a plan's waves have an order.
     */
    static final List<DemoServer> AGENT_FLEET = List.of(
            new DemoServer("payments-web-1", PLANNED_APPLICATION, "production", port(443, "0.0.0.0/0", "::/0"), 9, List.of("linux-image-6.8.0-49-generic", "linux-base")),
            new DemoServer("payments-web-2", PLANNED_APPLICATION, "production", port(443, "0.0.0.0/0"), 3, List.of("libssl3")),
            new DemoServer("payments-worker-1", PLANNED_APPLICATION, "production", port(9100, "10.0.0.0/8"), 12, List.of("systemd", "libsystemd0")),
            new DemoServer("payments-worker-2", PLANNED_APPLICATION, "production", port(9100, "10.0.0.0/8"), 1, List.of("dbus")));

    /**
     * What the probe discovers on a demo server: its declared port listening, and a few servers with more to show
     * (an undeclared listener, services to restart, a livepatch), each from a fake tool printing real output.
     */
    static void discoverable(DemoServer server, Path root) throws IOException {
        int declared = Integer.parseInt(server.ports().replaceAll("(?s).*\"port\":(\\d+).*", "$1"));
        switch (server.id()) {
            case "shop-web-1" -> FakeServerRoot.listening(root, List.of(22, declared, 8080)); // 8080: declared nowhere
            case "intranet-2" -> {
                FakeServerRoot.listening(root, List.of(22, declared));
                FakeServerRoot.tool(root, "needrestart", """
                        NEEDRESTART-VER: 3.6
                        NEEDRESTART-KCUR: 6.8.0-45-generic
                        NEEDRESTART-KEXP: 6.8.0-45-generic
                        NEEDRESTART-KSTA: 1
                        NEEDRESTART-SVC: nginx.service
                        NEEDRESTART-SVC: php8.3-fpm.service
                        """);
            }
            case "bastion-1" -> {
                FakeServerRoot.listening(root, List.of(declared));
                FakeServerRoot.tool(root, "canonical-livepatch", """
                        last check: 12 minutes ago
                        kernel: 6.8.0-45.45-generic
                        server check-in: succeeded
                        kernel state: ✓ kernel series 6.8 is covered by Livepatch
                        patch state: ✓ all applicable livepatch modules inserted
                        patch version: 104.1
                        """);
            }
            default -> FakeServerRoot.listening(root, List.of(22, declared));
        }
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path fleetDir = Path.of(args.length > 0 ? args[0] : ".local/demo-fleet").toAbsolutePath();
        String checkUrl = System.getProperty("restartwatch.check.url", "http://127.0.0.1:8081");
        String deployHookUrl = System.getProperty("restartwatch.deploy-hook.url", "http://127.0.0.1:8084");
        String planUrl = System.getProperty("restartwatch.plan.url", "http://127.0.0.1:8085");
        String rebootCommand = System.getProperty("restartwatch.demo.reboot-command", "");
        String adminKey = System.getProperty("restartwatch.admin-key", "");
        Map<String, String> admin = Map.of("Authorization", "Bearer " + adminKey);

        int registered = 0;
        for (DemoServer server : FLEET) {
            if (send("GET", checkUrl + "/api/servers/" + server.id(), null, admin).statusCode() == 200) {
                continue;
            }
            Path root = FakeServerRoot.write(fleetDir.resolve(server.id()), server.pendingDays(), server.packages());
            discoverable(server, root);
            String body = """
                    {"id":"%s","hostname":"%s.demo.internal","applicationId":"%s","environment":"%s",
                     "labels":{"demo":"true"},"openPorts":%s,"probeKind":"local"}"""
                    .formatted(server.id(), server.id(), server.app(), server.env(), server.ports());
            HttpResponse<String> response = send("POST", checkUrl + "/api/servers", body, admin);
            if (response.statusCode() != 201) {
                throw new IllegalStateException("Could not register " + server.id() + ": " + response.statusCode() + " " + response.body());
            }
            registered++;
        }
        // An agent server whose agent never reports: ./stack gives its application a max-silence of 2 minutes, after
        // which it shows as a blind spot (unverified, AGENT_SILENT) on the dashboard.
        if (send("GET", checkUrl + "/api/servers/" + SILENT_AGENT, null, admin).statusCode() != 200) {
            HttpResponse<String> response = send("POST", checkUrl + "/api/servers", """
                    {"id":"%s","hostname":"%s.demo.internal","applicationId":"legacy","environment":"production",
                     "labels":{"demo":"true"},"openPorts":%s,"probeKind":"agent"}"""
                    .formatted(SILENT_AGENT, SILENT_AGENT, port(22, "10.0.0.0/8")), admin);
            if (response.statusCode() != 201) {
                throw new IllegalStateException("Could not register " + SILENT_AGENT + ": " + response.statusCode() + " " + response.body());
            }
            registered++;
        }
        for (DemoServer server : AGENT_FLEET) {
            if (registerAgentServer(server, fleetDir.resolve(server.id()), checkUrl, rebootCommand, admin)) {
                registered++;
            }
        }
        System.out.println("Demo fleet: " + (FLEET.size() + AGENT_FLEET.size() + 1) + " servers (" + registered + " newly registered) under "
                + fleetDir + "; " + SILENT_AGENT + "'s agent never reports: a blind spot after 2 minutes");
        putRestartPolicy(planUrl, admin);

        Path pipelineFile = fleetDir.resolve("demo-pipeline.json");
        if (!Files.exists(pipelineFile) && !adminKey.isBlank()) {
            HttpResponse<String> created = send("POST", deployHookUrl + "/api/pipelines",
                    "{\"id\":\"demo\",\"name\":\"Demo pipeline\",\"applicationIds\":[\"*\"]}", admin);
            if (created.statusCode() == 201) {
                Files.writeString(pipelineFile, created.body());
            }
        }
        if (Files.exists(pipelineFile)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> pipeline = EventJson.read(Files.readString(pipelineFile), Map.class);
            System.out.println("Demo pipeline token (also in " + pipelineFile + "):");
            System.out.println("  curl -s -X POST " + deployHookUrl + "/api/deploys -H 'Authorization: Bearer "
                    + pipeline.get("token") + "' -H 'Content-Type: application/json' \\");
            System.out.println("    -d '{\"applicationId\":\"shop\",\"environment\":\"production\",\"deployId\":\"demo-"
                    + UUID.randomUUID().toString().substring(0, 8) + "\",\"status\":\"completed\"}'");
        }
    }


    /**
     * Registers an agent server (once) and writes its agent's settings into its fake root,
     * {@code etc/restartwatch/agent.conf} (mode 600, it holds the agent token), which ./stack's agent loop runs with.
     *
     * @return whether it was newly registered
     */
    static boolean registerAgentServer(DemoServer server, Path root, String checkUrl, String rebootCommand, Map<String, String> admin)
            throws IOException, InterruptedException {
        Path conf = root.resolve("etc/restartwatch/agent.conf");
        boolean registered = false;
        if (send("GET", checkUrl + "/api/servers/" + server.id(), null, admin).statusCode() != 200) {
            FakeServerRoot.write(root, server.pendingDays(), server.packages());
            discoverable(server, root);
            HttpResponse<String> response = send("POST", checkUrl + "/api/servers", """
                    {"id":"%s","hostname":"%s.demo.internal","applicationId":"%s","environment":"%s",
                     "labels":{"demo":"true","executor":"agent"},"openPorts":%s,"probeKind":"agent"}"""
                    .formatted(server.id(), server.id(), server.app(), server.env(), server.ports()), admin);
            if (response.statusCode() != 201) {
                throw new IllegalStateException("Could not register " + server.id() + ": " + response.statusCode() + " " + response.body());
            }
            Files.deleteIfExists(conf);
            registered = true;
        }
        String token = Files.exists(conf) ? confValue(Files.readString(conf), "RESTARTWATCH_TOKEN") : null;
        if (token == null) {
            HttpResponse<String> issued = send("POST", checkUrl + "/api/servers/" + server.id() + "/agent-token", null, admin);
            if (issued.statusCode() != 200) {
                throw new IllegalStateException("Could not issue " + server.id() + "'s agent token: " + issued.statusCode() + " " + issued.body());
            }
            token = String.valueOf(EventJson.read(issued.body(), Map.class).get("token"));
        }
        // Rewritten on every ./stack up (the token kept): the reboot command's path is this checkout's.
        Files.createDirectories(conf.getParent());
        Files.deleteIfExists(conf);
        Files.createFile(conf, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(conf, """
                # Written by ./stack's demo fleet: this fake server's agent, in execute mode.
                RESTARTWATCH_URL='%s'
                RESTARTWATCH_SERVER_ID='%s'
                RESTARTWATCH_TOKEN='%s'
                RESTARTWATCH_STATE_DIR='%s'
                RESTARTWATCH_EXECUTE=1
                RESTARTWATCH_REBOOT_COMMAND='%s'
                """.formatted(checkUrl, server.id(), token, root.resolve("var/lib/restartwatch-agent"), rebootCommand));
        return registered;
    }

    private static String confValue(String conf, String name) {
        return conf.lines().filter(line -> line.startsWith(name + "='") && line.endsWith("'"))
                .map(line -> line.substring(name.length() + 2, line.length() - 1))
                .filter(value -> !value.isBlank()).findFirst().orElse(null);
    }

    /**
     * The planned application's restart policy on plan-service: any time (no windows), at most 2 of its servers
     * restarting at once, 5 minutes to come back. Set on every ./stack up (a PUT replaces it).
     */
    static void putRestartPolicy(String planUrl, Map<String, String> admin) throws InterruptedException {
        try {
            HttpResponse<String> response = send("PUT", planUrl + "/api/restart-policies/" + PLANNED_APPLICATION, """
                    {"timeZone":"UTC","windows":[],"blackouts":[],"maxUnavailable":"2","restartTimeout":"PT5M"}""", admin);
            if (response.statusCode() / 100 == 2) {
                System.out.println("Restart policy of " + PLANNED_APPLICATION + ": any time, at most 2 servers at once (plan-service)");
            } else {
                System.out.println("  (restart policy of " + PLANNED_APPLICATION + " not set: plan-service answered "
                        + response.statusCode() + " " + response.body() + ")");
            }
        } catch (IOException e) {
            System.out.println("  (restart policy of " + PLANNED_APPLICATION + " not set: plan-service unreachable: " + e + ")");
        }
    }

    private static String port(int port, String... sources) {

        return "[{\"port\":" + port + ",\"protocol\":\"tcp\",\"sources\":[\"" + String.join("\",\"", sources) + "\"]}]";
    }

    private static HttpResponse<String> send(String method, String url, String body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
