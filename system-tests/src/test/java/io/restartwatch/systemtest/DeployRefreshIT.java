package io.restartwatch.systemtest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restartwatch.localstack.FakeServerRoot;
import io.restartwatch.testsupport.TestTools;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A pipeline reports a completed deploy of an application with a local server, an SSH server and two agent
 * servers, every component a separate process: the local and SSH servers are probed, the running agent finds
 * the report due and reports, all within 60 s and with trigger DEPLOY; the deploy's recheck view lists each with
 * its outcome, and names the agent server whose agent was stopped as not rechecked once the 60 s have passed.
 */
class DeployRefreshIT {

    private static final String APP = "refresh-shop";
    private static final String LOCAL = "refresh-local";
    private static final String SSH = "refresh-ssh";
    private static final String AGENT = "refresh-agent";
    private static final String SILENT = "refresh-silent";
    /** The bound, and check-service's default restartwatch.checks.deploy-deadline. */
    private static final Duration WITHIN = Duration.ofSeconds(60);
    /**
     * The agent's systemd timer runs {@code --if-due} every 50 s (agent/restartwatch-agent.timer), which is what
     * keeps a report within the 60 s. Here a shell loop stands in for the timer, every few seconds, so the test
     * does not wait 50 s for the first question; the 60 s bound asserted is the same.
     */
    private static final int TIMER_SECONDS = 3;

    private static SystemUnderTest system;
    private static SshTarget sshServer;
    private static Path workDir;
    private static final Map<String, AgentTimer> timers = new LinkedHashMap<>();

    @BeforeAll
    static void startSystem() throws Exception {
        TestTools.ensure("curl"); // the agent script posts its reports with curl
        system = new SystemUnderTest();
        workDir = system.fleetDir.getParent();
        Path sshRoot = FakeServerRoot.write(workDir.resolve("ssh-root"), -1, List.of());
        sshServer = new SshTarget(workDir.resolve("ssh"), sshRoot);
        sshServer.trustCurrentHostKey();
        system.startOneByOne(Map.of("check-service", sshServer.checkServiceEnv()));
    }

    @AfterAll
    static void stopSystem() throws IOException {
        timers.values().forEach(AgentTimer::stop);
        if (system != null) {
            system.close();
        }
        if (sshServer != null) {
            sshServer.close();
        }
    }

    @Test
    void aDeployRechecksLocalSshAndAgentServersWithin60sAndNamesTheOneThatWasNot() throws Exception {
        FakeServerRoot.write(system.fleetDir.resolve(LOCAL), 2, List.of("libssl3"));
        register(LOCAL, "\"probeKind\":\"local\"");
        register(SSH, "\"probeKind\":\"ssh\",\"address\":{\"host\":\"127.0.0.1\",\"sshPort\":" + sshServer.port() + "}");
        register(AGENT, "\"probeKind\":\"agent\"");
        register(SILENT, "\"probeKind\":\"agent\"");
        timers.put(AGENT, AgentTimer.start(AGENT, FakeServerRoot.write(workDir.resolve("agent-root"), 1,
                List.of("linux-image-6.8.0-49-generic")), agentToken(AGENT)));
        timers.put(SILENT, AgentTimer.start(SILENT, FakeServerRoot.write(workDir.resolve("silent-root"), -1, List.of()),
                agentToken(SILENT)));

        // Before the deploy every server has been checked once (the agents report at their first run); then one
        // agent is stopped, as an agent whose server is down or whose timer was disabled.
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            for (String server : List.of(LOCAL, SSH, AGENT, SILENT)) {
                assertThat(checks(server)).as("checks of " + server).isNotEmpty();
            }
        });
        assertThat(checks(SSH).get(0)).as("the SSH probe works before the deploy").containsEntry("outcome", "UP_TO_DATE");
        timers.get(SILENT).stop();

        String pipelineToken = system.asAdmin("deploy-hook-service").contentType(ContentType.JSON)
                .body("{\"id\":\"refresh-ci\",\"name\":\"Refresh CI\",\"applicationIds\":[\"" + APP + "\"]}")
                .when().post("/api/pipelines").then().statusCode(201).extract().path("token");
        Instant deployedAt = Instant.now();
        JsonPath answer = given().baseUri(system.url("deploy-hook-service")).contentType(ContentType.JSON)
                .header("Authorization", "Bearer " + pipelineToken)
                .body("{\"applicationId\":\"" + APP + "\",\"environment\":\"production\",\"deployId\":\"release-42\",\"status\":\"completed\"}")
                .when().post("/api/deploys")
                .then().log().ifValidationFails().statusCode(202)
                .body("eventId", notNullValue()).body("status", equalTo("completed")).body("repeated", equalTo(false))
                .extract().jsonPath();
        System.out.printf("Deploy refresh: deploy-hook-service answered %s%n", answer.prettify().replaceAll("\\s+", " "));

        // Within 60 s of the deploy: local and SSH probed, the running agent asked, found the report due and reported.
        AtomicReference<Map<String, Map<String, Object>>> view = new AtomicReference<>();
        Awaitility.await().atMost(WITHIN).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            view.set(servers(rechecks()));
            for (String server : List.of(LOCAL, SSH, AGENT)) {
                assertThat(view.get().get(server)).as(server + " in " + view.get()).containsEntry("state", "RECHECKED");
            }
        });
        Instant allRechecked = Instant.now();
        Map<String, Object> recheckMillis = new LinkedHashMap<>();
        for (String server : List.of(LOCAL, SSH, AGENT)) {
            Instant checkedAt = Instant.parse((String) view.get().get(server).get("checkedAt"));
            recheckMillis.put(server, Duration.between(deployedAt, checkedAt).toMillis());
            assertThat(Duration.between(deployedAt, checkedAt)).as(server + " rechecked within 60 s").isLessThanOrEqualTo(WITHIN);
        }
        System.out.printf("Deploy refresh: rechecked after the deploy (ms, check time − deploy request) %s;"
                        + " all seen in the recheck view after %d ms; agent timer stand-in every %d s%n",
                recheckMillis, Duration.between(deployedAt, allRechecked).toMillis(), TIMER_SECONDS);

        Map<String, Map<String, Object>> servers = view.get();
        assertThat(servers.keySet()).containsExactlyInAnyOrder(LOCAL, SSH, AGENT, SILENT);
        assertThat(servers.get(LOCAL)).containsEntry("kind", "local").containsEntry("outcome", "REBOOT_REQUIRED");
        assertThat(servers.get(SSH)).containsEntry("kind", "ssh").containsEntry("outcome", "UP_TO_DATE");
        assertThat(servers.get(AGENT)).containsEntry("kind", "agent").containsEntry("outcome", "REBOOT_REQUIRED");
        for (String server : List.of(LOCAL, SSH, AGENT)) {
            Map<String, Object> counted = checks(server).stream()
                    .filter(check -> check.get("checkId").equals(servers.get(server).get("checkId"))).findFirst().orElseThrow();
            assertThat(counted).as("the check counted for the deploy, " + server).containsEntry("trigger", "DEPLOY");
        }
        // The running agent's report cleared its mark; the stopped agent's server still has a report due.
        agentDue(AGENT, timers.get(AGENT).token).then().statusCode(204);
        agentDue(SILENT, timers.get(SILENT).token).then().statusCode(200)
                .body("reportDue", equalTo(true)).body("reason", equalTo("deploy")).body("deployId", equalTo("release-42"));

        // Until the deadline the stopped agent's server is pending (the pipeline keeps polling); past it, it is named.
        if (Instant.now().isBefore(deployedAt.plus(WITHIN).minusSeconds(2))) {
            JsonPath beforeDeadline = rechecks();
            assertThat(servers(beforeDeadline).get(SILENT)).containsEntry("state", "PENDING").containsEntry("kind", "agent");
            assertThat(beforeDeadline.getBoolean("complete")).isFalse();
        }
        Awaitility.await().atMost(WITHIN.plusSeconds(30)).pollInterval(Duration.ofSeconds(1))
                .until(() -> rechecks().getBoolean("complete"));
        JsonPath complete = rechecks();
        Map<String, Map<String, Object>> afterDeadline = servers(complete);
        assertThat(Instant.now()).isAfter(deployedAt.plus(WITHIN));
        assertThat(afterDeadline.get(SILENT)).containsEntry("state", "NOT_RECHECKED").containsEntry("kind", "agent")
                .containsEntry("why", "agent has not reported within 60 s of the deploy");
        assertThat(afterDeadline.get(SILENT).get("outcome")).isNull();
        for (String server : List.of(LOCAL, SSH, AGENT)) {
            assertThat(afterDeadline.get(server)).containsEntry("state", "RECHECKED")
                    .containsEntry("checkId", servers.get(server).get("checkId"));
        }
        System.out.printf("Deploy refresh: recheck view once complete: %s%n", afterDeadline);
    }

    private static void register(String id, String probe) {
        system.asAdmin("check-service").contentType(ContentType.JSON).body("""
                        {"id":"%s","hostname":"%s.example.com","applicationId":"%s","environment":"production",%s}"""
                        .formatted(id, id, APP, probe))
                .when().post("/api/servers").then().log().ifValidationFails().statusCode(201);
    }

    private static String agentToken(String id) {
        return system.asAdmin("check-service").when().post("/api/servers/{id}/agent-token", id)
                .then().statusCode(200).extract().path("token");
    }

    private static List<Map<String, Object>> checks(String server) {
        return system.asAdmin("check-service").when().get("/api/servers/{id}/checks", server)
                .then().statusCode(200).extract().jsonPath().getList("$");
    }

    private static JsonPath rechecks() {
        return system.asAdmin("check-service").when().get("/api/deploys/{app}/{deploy}/rechecks", APP, "release-42")
                .then().log().ifValidationFails().statusCode(200).extract().jsonPath();
    }

    private static Map<String, Map<String, Object>> servers(JsonPath view) {
        Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
        view.<Map<String, Object>>getList("servers").forEach(s -> byId.put((String) s.get("serverId"), s));
        return byId;
    }

    private static io.restassured.response.Response agentDue(String server, String token) {
        return given().baseUri(system.url("check-service")).header("Authorization", "Bearer " + token)
                .queryParam("serverId", server).when().get("/api/agent/due");
    }

    /**
     * The real agent script, run with {@code --if-due} in a loop as its systemd timer runs it, against the
     * server's fake root, with its own state directory and no /etc/restartwatch/agent.conf.
     */
    private static final class AgentTimer {
        final String token;
        private final Process loop;

        private AgentTimer(String token, Process loop) {
            this.token = token;
            this.loop = loop;
        }

        static AgentTimer start(String server, Path root, String token) throws IOException {
            Path agent = system.root.resolve("agent/restartwatch-agent");
            Path log = workDir.resolve("agent-" + server + ".log");
            ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c",
                    "while :; do /bin/sh \"$0\" --if-due; sleep " + TIMER_SECONDS + "; done", agent.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            env.put("RESTARTWATCH_CONF", "/nonexistent/agent.conf");
            env.put("RESTARTWATCH_URL", system.url("check-service"));
            env.put("RESTARTWATCH_SERVER_ID", server);
            env.put("RESTARTWATCH_TOKEN", token);
            env.put("RESTARTWATCH_ROOT", root.toString());
            env.put("RESTARTWATCH_STATE_DIR", Files.createDirectories(workDir.resolve("agent-state-" + server)).toString());
            return new AgentTimer(token, builder.start());
        }

        /** Stops the loop and any agent run in progress (the script and its curl). */
        void stop() {
            loop.descendants().forEach(ProcessHandle::destroy);
            loop.destroy();
            try {
                loop.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
