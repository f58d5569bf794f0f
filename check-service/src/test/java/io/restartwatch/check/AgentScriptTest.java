package io.restartwatch.check;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restartwatch.contracts.CheckCompleted;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.CheckTrigger;
import io.restartwatch.contracts.DeployCompleted;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.ListeningSocket;
import io.restartwatch.contracts.Livepatch;
import io.restartwatch.contracts.OpenPort;
import io.restartwatch.contracts.RestartEvent;
import io.restartwatch.contracts.RestartStatus;
import io.restartwatch.contracts.Topics;
import io.restartwatch.testsupport.KafkaEvents;
import io.restartwatch.testsupport.LocalInfraResource;
import io.restartwatch.testsupport.TestCredentials;
import io.restartwatch.testsupport.TestTools;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shipped agent script ({@code agent/restartwatch-agent}) run for real against the running service. */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "check"))
@WithTestResource(SshTestResource.class)
class AgentScriptTest {

    static final Path AGENT_DIR = Path.of("../agent").toAbsolutePath().normalize();

    @TestHTTPResource("/")
    URL service;

    private final KafkaEvents kafka = KafkaEvents.local();

    /** The agent calls curl (Debian's package, as on a real server); shellcheck lints it. */
    @BeforeAll
    static void installTheToolsTheAgentNeeds() {
        TestTools.ensure("curl", "shellcheck");
    }

    @Test
    void theAgentReportsAFlaggedServer() throws Exception {
        String id = "agent-script-" + UUID.randomUUID().toString().substring(0, 8);
        Path base = Files.createTempDirectory("agent-root");
        Instant since = Instant.now().minus(5, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        FakeServerRoot root = FakeServerRoot.under(base, id).requireRestart(since, "linux-image-6.8.0-49-generic", "libc6");
        Files.writeString(root.root().resolve("boot/vmlinuz-6.8.0-49-generic"), "");
        String token = AgentServers.register(id, id, "shop");

        Result result = runAgent(Map.of("RESTARTWATCH_ROOT", root.root().toString(), "RESTARTWATCH_URL", service.toString(),
                "RESTARTWATCH_SERVER_ID", id, "RESTARTWATCH_TOKEN", token));

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("\"outcome\":\"REBOOT_REQUIRED\"").doesNotContain(token);
        CheckCompleted check = kafka.awaitEvents(Topics.CHECKS, Duration.ofSeconds(20),
                e -> id.equals(e.key()), 1).get(0).data(CheckCompleted.class);
        assertThat(check.trigger()).isEqualTo(CheckTrigger.AGENT);
        assertThat(check.outcome()).isEqualTo(CheckOutcome.REBOOT_REQUIRED);
        assertThat(check.requiredSince()).isEqualTo(since);
        assertThat(check.packages()).containsExactly("linux-image-6.8.0-49-generic", "libc6");
        assertThat(check.runningKernel()).isEqualTo("6.8.0-48-generic");
        assertThat(check.installedKernel()).isEqualTo("6.8.0-49-generic");
    }

    /** Run as its timer runs it (--if-due): silent while nothing is due, a report as soon as a deploy asks for one. */
    @Test
    void theAgentReportsWhenADeployAsksForIt() throws Exception {
        String app = "agent-due-" + UUID.randomUUID().toString().substring(0, 8);
        String id = app + "-1";
        Path base = Files.createTempDirectory("agent-root");
        FakeServerRoot root = FakeServerRoot.under(base, id);
        String token = AgentServers.register(id, id, app);
        Map<String, String> env = Map.of("RESTARTWATCH_ROOT", root.root().toString(), "RESTARTWATCH_URL", service.toString(),
                "RESTARTWATCH_SERVER_ID", id, "RESTARTWATCH_TOKEN", token,
                "RESTARTWATCH_STATE_DIR", base.resolve("state").toString());

        // Never reported: the first run reports whatever the answer; the next one, in the same boot and within
        // the hour, has nothing to do.
        Result first = runAgent(env, "--if-due");
        assertThat(first.exitCode()).as(first.output()).isZero();
        assertThat(first.output()).contains("\"outcome\":\"UP_TO_DATE\"");
        Result idle = runAgent(env, "--if-due");
        assertThat(idle.exitCode()).as(idle.output()).isZero();
        assertThat(idle.output()).contains("no report due").doesNotContain("outcome");
        assertThat(given().when().get("/api/servers/{id}/checks", id).then().statusCode(200).extract().<List<String>>path("trigger"))
                .containsExactly("AGENT");

        kafka.publish(Topics.DEPLOYS, app, EventTypes.DEPLOY_COMPLETED, new DeployCompleted(DeployCompleted.SCHEMA_VERSION,
                "release-7", app, null, List.of(), Instant.now(), "native", null, null));
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                given().filter(TestCredentials.as(token)).queryParam("serverId", id).when().get("/api/agent/due")
                        .then().statusCode(200).body("deployId", org.hamcrest.Matchers.equalTo("release-7")));

        Result due = runAgent(env, "--if-due");
        assertThat(due.exitCode()).as(due.output()).isZero();
        assertThat(due.output()).contains("report due").contains("\"outcome\":\"UP_TO_DATE\"").doesNotContain(token);
        assertThat(given().when().get("/api/servers/{id}/checks", id).then().statusCode(200).extract().<List<String>>path("trigger"))
                .containsExactly("DEPLOY", "AGENT");
        given().filter(TestCredentials.as(token)).queryParam("serverId", id).when().get("/api/agent/due").then().statusCode(204);
        given().when().get("/api/deploys/{app}/{deploy}/rechecks", app, "release-7")
                .then().statusCode(200)
                .body("servers[0].serverId", org.hamcrest.Matchers.equalTo(id))
                .body("servers[0].state", org.hamcrest.Matchers.equalTo("RECHECKED"))
                .body("complete", org.hamcrest.Matchers.equalTo(true));

        Result after = runAgent(env, "--if-due");
        assertThat(after.output()).contains("no report due");
    }

    /** Agent version 3 against a fake root carrying a needrestart, a ufw and socket tables: the facts reach check.completed. */
    @Test
    void theAgentReportsDiscoveredFactsServicesAndLivepatch() throws Exception {
        String id = "agent-facts-" + UUID.randomUUID().toString().substring(0, 8);
        Path base = Files.createTempDirectory("agent-root");
        FakeServerRoot root = FakeServerRoot.under(base, id)
                .procNet("tcp", SshProbeTest.fixture("procnet/tcp")).procNet("udp", SshProbeTest.fixture("procnet/udp"))
                .tool("needrestart", SshProbeTest.fixture("needrestart/batch-kernel-and-services.txt"), 0)
                .tool("kpatch", SshProbeTest.fixture("livepatch/kpatch-list-none-loaded.txt"), 0)
                .tool("ufw", SshProbeTest.fixture("ufw/status-verbose.txt"), 0);
        String token = AgentServers.register(id, id, "shop");

        Result result = runAgent(Map.of("RESTARTWATCH_ROOT", root.root().toString(), "RESTARTWATCH_URL", service.toString(),
                "RESTARTWATCH_SERVER_ID", id, "RESTARTWATCH_TOKEN", token));

        assertThat(result.exitCode()).as(result.output()).isZero();
        CheckCompleted check = kafka.awaitEvents(Topics.CHECKS, Duration.ofSeconds(20),
                e -> id.equals(e.key()), 1).get(0).data(CheckCompleted.class);
        assertThat(check.outcome()).isEqualTo(CheckOutcome.REBOOT_REQUIRED);
        assertThat(check.detectedBy()).containsExactly("needrestart");
        assertThat(check.services()).containsExactly("cron.service", "ssh.service", "systemd-journald.service");
        assertThat(check.livepatch()).isEqualTo(new Livepatch("kpatch", "none", false));
        assertThat(check.discovered().listening()).containsExactly(new ListeningSocket("tcp", "0.0.0.0", 2024),
                new ListeningSocket("tcp", "0.0.0.0", 18022), new ListeningSocket("tcp", "127.0.0.1", 15432),
                new ListeningSocket("udp", "0.0.0.0", 15353));
        assertThat(check.discovered().firewall().source()).isEqualTo("ufw");
        assertThat(check.discovered().firewall().allowed()).contains(new OpenPort(5432, "tcp", List.of("10.0.0.0/8")));
    }

    @Test
    void anOlderAgentsReportHasNoDiscoveredFacts() throws Exception {
        String id = "agent-old-" + UUID.randomUUID().toString().substring(0, 8);
        String token = AgentServers.register(id, id, "shop");
        // Exactly what agent version 2 sent.
        given().contentType(ContentType.JSON).filter(TestCredentials.as(token)).body("""
                        {"serverId":"%s","rebootRequired":false,"requiredSince":null,"packages":[],"bootId":"b","runningKernel":"6.8.0-48-generic","installedKernels":["6.8.0-48-generic"],"agentVersion":"2"}"""
                        .formatted(id))
                .when().post("/api/agent/reports").then().statusCode(202);
        CheckCompleted check = kafka.awaitEvents(Topics.CHECKS, Duration.ofSeconds(20),
                e -> id.equals(e.key()), 1).get(0).data(CheckCompleted.class);
        assertThat(check.discovered()).isNull();
        assertThat(check.livepatch()).isNull();
        assertThat(check.services()).isEmpty();
        assertThat(check.detectedBy()).isEmpty();
    }

    /**
     * Execute mode: a restart.scheduled published as plan-service does is executed once by the agent (started, the
     * reboot command — the shared fake-reboot script on the fake root), and the next run reports the new boot id.
     */
    @Test
    void theAgentExecutesAPlannedRestartOnceAndReportsTheNewBoot() throws Exception {
        Executor server = executor("exec-run", Map.of("RESTARTWATCH_EXECUTE", "1"));
        Result first = runAgent(server.env(), "--if-due");
        assertThat(first.output()).as(first.output()).contains("\"outcome\":\"REBOOT_REQUIRED\"");
        String restartId = server.schedule();

        Result executed = runAgent(server.env(), "--if-due");
        assertThat(executed.exitCode()).as(executed.output()).isZero();
        assertThat(executed.output()).contains("restart " + restartId + " started").contains("rebooting")
                .doesNotContain("outcome").doesNotContain(server.token());
        assertThat(server.reboots()).hasSize(1);
        assertThat(server.root().resolve("var/run/reboot-required")).doesNotExist();
        String newBootId = Files.readString(server.root().resolve("proc/sys/kernel/random/boot_id")).trim();
        assertThat(Files.readAllLines(server.state().resolve("executed-restarts"))).containsExactly(restartId);

        // The next run reports the new boot (the proof of the restart), the one after has nothing to do; neither reboots.
        Result afterBoot = runAgent(server.env(), "--if-due");
        assertThat(afterBoot.exitCode()).as(afterBoot.output()).isZero();
        assertThat(afterBoot.output()).contains("\"outcome\":\"UP_TO_DATE\"");
        Result idle = runAgent(server.env(), "--if-due");
        assertThat(idle.output()).as(idle.output()).contains("no report due");
        assertThat(server.reboots()).hasSize(1);

        CheckCompleted proof = kafka.awaitEvents(Topics.CHECKS, Duration.ofSeconds(20),
                e -> server.id().equals(e.key()) && newBootId.equals(e.data(CheckCompleted.class).bootId()), 1).get(0).data(CheckCompleted.class);
        assertThat(proof.outcome()).isEqualTo(CheckOutcome.UP_TO_DATE);
        assertThat(proof.runningKernel()).isEqualTo("6.8.0-49-generic");
        kafka.awaitEvents(Topics.RESTARTS, Duration.ofSeconds(20),
                e -> server.id().equals(e.key()) && EventTypes.RESTART_STARTED.equals(e.type()), 1);
        var started = kafka.readAll(Topics.RESTARTS).stream()
                .filter(e -> server.id().equals(e.key()) && EventTypes.RESTART_STARTED.equals(e.type())).toList();
        assertThat(started).hasSize(1);
        RestartEvent event = started.get(0).data(RestartEvent.class);
        assertThat(event.restartId()).isEqualTo(restartId);
        assertThat(event.executor()).isEqualTo("agent");
        assertThat(event.status()).isEqualTo(RestartStatus.STARTED);
    }

    @Test
    void withoutExecuteModeAPlannedRestartIsOnlyLogged() throws Exception {
        Executor server = executor("exec-off", Map.of());
        String restartId = server.schedule();

        Result run = runAgent(server.env(), "--if-due");
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("restart " + restartId + " planned").contains("execute mode off");
        assertThat(server.reboots()).isEmpty();
        assertThat(server.state().resolve("executed-restarts")).doesNotExist();
        // Still there for an executor that acts on it.
        given().filter(TestCredentials.as(server.token())).queryParam("serverId", server.id()).when().get("/api/agent/due")
                .then().statusCode(200).body("restart.restartId", org.hamcrest.Matchers.equalTo(restartId));
    }

    @Test
    void aFailingPreHookFailsTheRestartWithoutARebootAndIsNotRetried() throws Exception {
        Executor server = executor("exec-hook", Map.of("RESTARTWATCH_EXECUTE", "1",
                "RESTARTWATCH_PRE_HOOK", "echo \"draining $RESTARTWATCH_SERVER_ID for $RESTARTWATCH_RESTART_ID\"; exit 3"));
        String restartId = server.schedule();

        Result run = runAgent(server.env(), "--if-due");
        assertThat(run.output()).contains("draining " + server.id() + " for " + restartId)
                .contains("pre-hook of restart " + restartId + " exited with status 3");
        assertThat(server.reboots()).isEmpty();
        assertThat(server.root().resolve("var/run/reboot-required")).exists();
        RestartEvent failed = kafka.awaitEvents(Topics.RESTARTS, Duration.ofSeconds(20),
                e -> server.id().equals(e.key()) && EventTypes.RESTART_FAILED.equals(e.type()), 1).get(0).data(RestartEvent.class);
        assertThat(failed.reason()).isEqualTo("PRE_HOOK_FAILED");
        assertThat(failed.detail()).isEqualTo("pre-hook exited with status 3");
        assertThat(failed.executor()).isEqualTo("agent");

        Result again = runAgent(server.env(), "--if-due");
        assertThat(again.output()).doesNotContain("draining");
        assertThat(server.reboots()).isEmpty();
    }

    /** An agent server flagged for a reboot on a fake root whose reboot command is agent/testing/fake-reboot. */
    private Executor executor(String prefix, Map<String, String> settings) throws IOException {
        String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        Path base = Files.createTempDirectory("agent-root");
        FakeServerRoot root = FakeServerRoot.under(base, id).requireRestart(Instant.now().minus(1, ChronoUnit.DAYS), "linux-image-6.8.0-49-generic");
        Files.writeString(root.root().resolve("boot/vmlinuz-6.8.0-48-generic"), "");
        Files.writeString(root.root().resolve("boot/vmlinuz-6.8.0-49-generic"), "");
        String token = AgentServers.register(id, id, "shop");
        Path state = base.resolve("state");
        Map<String, String> env = new java.util.HashMap<>(Map.of("RESTARTWATCH_ROOT", root.root().toString(),
                "RESTARTWATCH_URL", service.toString(), "RESTARTWATCH_SERVER_ID", id, "RESTARTWATCH_TOKEN", token,
                "RESTARTWATCH_STATE_DIR", state.toString(),
                "RESTARTWATCH_REBOOT_COMMAND", AGENT_DIR.resolve("testing/fake-reboot").toString()));
        env.putAll(settings);
        return new Executor(id, token, root.root(), state, env);
    }

    private record Executor(String id, String token, Path root, Path state, Map<String, String> env) {

        /** Publishes restart.scheduled as plan-service does, window open now; waits until the due call names it. */
        String schedule() {
            String restartId = "restart-" + id;
            KafkaEvents.local().publish(Topics.RESTARTS, id, EventTypes.RESTART_SCHEDULED, AgentRestartsTest.scheduled(id, restartId,
                    Instant.now().minus(1, ChronoUnit.MINUTES), Instant.now().plus(1, ChronoUnit.HOURS)));
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    given().filter(TestCredentials.as(token)).queryParam("serverId", id).when().get("/api/agent/due")
                            .then().statusCode(200).body("restart.restartId", org.hamcrest.Matchers.equalTo(restartId)));
            return restartId;
        }

        List<String> reboots() throws IOException {
            Path log = root.resolve("var/log/fake-reboots");
            return Files.exists(log) ? Files.readAllLines(log) : List.of();
        }
    }

    @Test
    void aWrongTokenFailsLoudly() throws Exception {
        Path base = Files.createTempDirectory("agent-root");
        FakeServerRoot root = FakeServerRoot.under(base, "agent-wrong");
        Result result = runAgent(Map.of("RESTARTWATCH_ROOT", root.root().toString(), "RESTARTWATCH_URL", service.toString(),
                "RESTARTWATCH_SERVER_ID", "agent-wrong", "RESTARTWATCH_TOKEN", "rwa_not-a-token"));
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("401");
        Result asked = runAgent(Map.of("RESTARTWATCH_ROOT", root.root().toString(), "RESTARTWATCH_URL", service.toString(),
                "RESTARTWATCH_SERVER_ID", "agent-wrong", "RESTARTWATCH_TOKEN", "rwa_not-a-token"), "--if-due");
        assertThat(asked.exitCode()).isNotZero();
        assertThat(asked.output()).contains("refused the agent token (HTTP 401)");
    }

    @Test
    void theDryRunPrintsValidJsonEvenForOddPackageNames() throws Exception {
        Path base = Files.createTempDirectory("agent-root");
        FakeServerRoot root = FakeServerRoot.under(base, "agent-dry").requireRestart(Instant.now(), "weird\"name\\pkg");
        Result result = runAgent(Map.of("RESTARTWATCH_ROOT", root.root().toString(), "RESTARTWATCH_SERVER_ID", "agent-dry"), "--dry-run");
        assertThat(result.exitCode()).as(result.output()).isZero();
        var report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(result.output());
        assertThat(report.get("packages").get(0).asText()).isEqualTo("weird\"name\\pkg");
        assertThat(report.get("rebootRequired").asBoolean()).isTrue();
    }

    @Test
    void theAgentFilesAreShellcheckClean() throws Exception {
        Result result = run(List.of(TestTools.ensure("shellcheck").toString(), "-s", "sh", AGENT_DIR.resolve("restartwatch-agent").toString(),
                AGENT_DIR.resolve("testing/fake-reboot").toString()), Map.of());
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    private static Result runAgent(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("sh", AGENT_DIR.resolve("restartwatch-agent").toString()));
        command.addAll(List.of(args));
        Map<String, String> withConf = new java.util.HashMap<>(env);
        withConf.put("RESTARTWATCH_CONF", "/nonexistent/agent.conf");
        // Never the real /var/lib/restartwatch-agent, even when the tests run as root.
        if (!withConf.containsKey("RESTARTWATCH_STATE_DIR")) {
            withConf.put("RESTARTWATCH_STATE_DIR", Files.createTempDirectory("agent-state").toString());
        }
        return run(command, withConf);
    }

    private static Result run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private record Result(int exitCode, String output) {
    }
}
