package io.restartwatch.check;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.IntStream;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restartwatch.contracts.CheckCompleted;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.CheckTrigger;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.ListeningSocket;
import io.restartwatch.contracts.Livepatch;
import io.restartwatch.contracts.OpenPort;
import io.restartwatch.contracts.DeployCompleted;
import io.restartwatch.contracts.Topics;
import io.restartwatch.testsupport.KafkaEvents;
import io.restartwatch.testsupport.LocalInfraResource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** The SSH probe against real SSH servers (Apache MINA) running real shell commands on fake roots. */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "check"))
@WithTestResource(SshTestResource.class)
class SshProbeTest {

    @ConfigProperty(name = "restartwatch.probe.local.base-dir")
    Path baseDir;

    private final KafkaEvents kafka = KafkaEvents.local();

    @Test
    void aFlaggedServerReportsItsPackagesSinceAndBootId() throws Exception {
        String id = newId("ssh-flagged");
        Instant since = Instant.now().minus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        FakeServerRoot root = FakeServerRoot.under(baseDir, id).requireRestart(since, "libssl3", "openssl", "libssl3");
        try (TestSshServer ssh = TestSshServer.serving(root).trusted()) {
            registerSsh(id, "ssh-shop", ssh.port());

            CheckCompleted check = awaitCheck(id, c -> true);
            assertThat(check.outcome()).as("reason %s", check.reason()).isEqualTo(CheckOutcome.REBOOT_REQUIRED);
            assertThat(check.packages()).containsExactly("libssl3", "openssl");
            assertThat(check.requiredSince()).isEqualTo(since);
            assertThat(check.bootId()).isEqualTo("boot-" + id + "-1");
            assertThat(check.runningKernel()).isEqualTo("6.8.0-48-generic");
        }
    }

    @Test
    void aServerWithoutTheFlagIsUpToDateAndADeployRechecksItAtOnce() throws Exception {
        String id = newId("ssh-clean");
        FakeServerRoot root = FakeServerRoot.under(baseDir, id);
        try (TestSshServer ssh = TestSshServer.serving(root).trusted()) {
            String app = id + "-app";
            registerSsh(id, app, ssh.port());
            assertThat(awaitCheck(id, c -> true).outcome()).isEqualTo(CheckOutcome.UP_TO_DATE);

            root.requireRestart(Instant.now(), "openssh-server");
            Instant deployed = Instant.now();
            kafka.publish(Topics.DEPLOYS, app, EventTypes.DEPLOY_COMPLETED, new DeployCompleted(DeployCompleted.SCHEMA_VERSION,
                    "deploy-1", app, null, java.util.List.of(), deployed, "native", null, null));

            CheckCompleted recheck = awaitCheck(id, c -> c.trigger() == CheckTrigger.DEPLOY);
            assertThat(recheck.outcome()).isEqualTo(CheckOutcome.REBOOT_REQUIRED);
            // At once, not at the next scheduled check (the interval is 1 h here); no tight bound on a loaded 2-core
            // machine: how fast it is, is the benchmark's P2 figure.
            assertThat(Duration.between(deployed, recheck.checkedAt())).isLessThan(Duration.ofMinutes(5));
        }
    }

    @Test
    void anUnknownHostKeyIsNeverTrusted() throws Exception {
        String id = newId("ssh-unknown");
        try (TestSshServer ssh = TestSshServer.serving(FakeServerRoot.under(baseDir, id))) {
            registerSsh(id, "ssh-shop", ssh.port());
            CheckCompleted check = awaitCheck(id, c -> true);
            assertThat(check.outcome()).isEqualTo(CheckOutcome.UNREACHABLE);
            assertThat(check.reason()).isEqualTo("HOST_KEY_UNKNOWN");
        }
    }

    @Test
    void aChangedHostKeyIsRejected() throws Exception {
        String id = newId("ssh-changed");
        try (TestSshServer ssh = TestSshServer.serving(FakeServerRoot.under(baseDir, id)).pinnedToAnotherKey()) {
            registerSsh(id, "ssh-shop", ssh.port());
            CheckCompleted check = awaitCheck(id, c -> true);
            assertThat(check.outcome()).isEqualTo(CheckOutcome.UNREACHABLE);
            assertThat(check.reason()).isEqualTo("HOST_KEY_CHANGED");
        }
    }

    @Test
    void aRevokedHostKeyIsRejectedEvenThoughAnotherLineTrustsIt() throws Exception {
        String id = newId("ssh-revoked");
        try (TestSshServer ssh = TestSshServer.serving(FakeServerRoot.under(baseDir, id)).trusted().revoked()) {
            registerSsh(id, "ssh-shop", ssh.port());
            CheckCompleted check = awaitCheck(id, c -> true);
            assertThat(check.outcome()).isEqualTo(CheckOutcome.UNREACHABLE);
            assertThat(check.reason()).isEqualTo("HOST_KEY_REVOKED");
        }
    }

    @Test
    void aCertAuthorityLineNeverPassesForAPlainHostKey() throws Exception {
        String id = newId("ssh-ca");
        // The worst case: the CA line even carries the very key the server offers as its plain host key.
        try (TestSshServer ssh = TestSshServer.serving(FakeServerRoot.under(baseDir, id)).vouchedForByCertAuthorityWithItsOwnKey()) {
            registerSsh(id, "ssh-shop", ssh.port());
            CheckCompleted check = awaitCheck(id, c -> true);
            assertThat(check.outcome()).isEqualTo(CheckOutcome.UNREACHABLE);
            assertThat(check.reason()).isEqualTo("HOST_CERT_UNSUPPORTED");
        }
    }

    @Test
    void aPlainLineStillTrustsAHostThatAlsoHasACertAuthorityLine() throws Exception {
        String id = newId("ssh-ca-plain");
        FakeServerRoot root = FakeServerRoot.under(baseDir, id).requireRestart(Instant.now(), "libc6");
        try (TestSshServer ssh = TestSshServer.serving(root).vouchedForByCertAuthorityWithItsOwnKey().trusted()) {
            registerSsh(id, "ssh-shop", ssh.port());
            CheckCompleted check = awaitCheck(id, c -> true);
            assertThat(check.outcome()).as("reason %s", check.reason()).isEqualTo(CheckOutcome.REBOOT_REQUIRED);
        }
    }

    @Test
    void outputPastTheCapFailsTheCheckInsteadOfFillingMemory() throws Exception {
        String id = newId("ssh-huge");
        FakeServerRoot root = FakeServerRoot.under(baseDir, id).requireRestart(Instant.now(), "placeholder");
        // 10 000 distinct lines of 200 characters: about 2 MB, twice the cap.
        String padding = "x".repeat(190);
        Files.write(root.root().resolve("var/run/reboot-required.pkgs"),
                IntStream.range(0, 10_000).mapToObj(i -> "pkg%05d-%s".formatted(i, padding)).toList());
        assertThat(Files.size(root.root().resolve("var/run/reboot-required.pkgs"))).isGreaterThanOrEqualTo(2_000_000);
        try (TestSshServer ssh = TestSshServer.serving(root).trusted()) {
            registerSsh(id, "ssh-shop", ssh.port());
            CheckCompleted check = awaitCheck(id, c -> true);
            assertThat(check.outcome()).isEqualTo(CheckOutcome.UNREACHABLE);
            assertThat(check.reason()).isEqualTo("OUTPUT_TOO_LARGE");
            assertThat(check.packages()).isEmpty();
            String detail = given().when().get("/api/servers/{id}/checks", id).then().statusCode(200).extract().path("[0].detail");
            assertThat(detail).contains("1024 KiB");
        }
    }

    @Test
    void discoveredSocketsFirewallServicesAndLivepatchArrive() throws Exception {
        String id = newId("ssh-facts");
        FakeServerRoot root = FakeServerRoot.under(baseDir, id)
                .procNet("tcp", fixture("procnet/tcp")).procNet("tcp6", fixture("procnet/tcp6"))
                .tool("needrestart", fixture("needrestart/batch-services-only.txt"), 0)
                .tool("canonical-livepatch", fixture("livepatch/canonical-nothing-needed.txt"), 0)
                .tool("nft", fixture("nftables/input-drop.json"), 0);
        try (TestSshServer ssh = TestSshServer.serving(root).trusted()) {
            registerSsh(id, "ssh-shop", ssh.port());

            CheckCompleted check = awaitCheck(id, c -> true);
            assertThat(check.outcome()).as("reason %s", check.reason()).isEqualTo(CheckOutcome.UP_TO_DATE);
            assertThat(check.services()).containsExactly("nginx.service", "php8.2-fpm.service");
            assertThat(check.detectedBy()).isEmpty();
            assertThat(check.livepatch()).isEqualTo(new Livepatch("canonical-livepatch", "nothing-to-apply", true));
            assertThat(check.discovered().listening()).contains(new ListeningSocket("tcp", "0.0.0.0", 18022),
                    new ListeningSocket("tcp", "::", 18443), new ListeningSocket("tcp", "127.0.0.1", 15432));
            assertThat(check.discovered().firewall().source()).isEqualTo("nftables");
            assertThat(check.discovered().firewall().inboundFiltered()).isTrue();
            assertThat(check.discovered().firewall().allowed()).contains(new OpenPort(22, "tcp", List.of("10.0.0.0/8")));
            // The check history shows the same facts.
            given().when().get("/api/servers/{id}/checks", id).then().statusCode(200)
                    .body("[0].services", org.hamcrest.Matchers.contains("nginx.service", "php8.2-fpm.service"))
                    .body("[0].livepatch.covered", org.hamcrest.Matchers.equalTo(true))
                    .body("[0].discovered.firewall.source", org.hamcrest.Matchers.equalTo("nftables"))
                    .body("[0].discovered.listening.port", org.hamcrest.Matchers.hasItem(18022));
        }
    }

    @Test
    void tenThousandListeningSocketsFailTheCheckNamingWhy() throws Exception {
        String id = newId("ssh-sockets");
        StringBuilder tcp = new StringBuilder("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
        for (int i = 0; i < 10_000; i++) {
            tcp.append(String.format("%4d: 00000000:%04X 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 %d 1 0000000000000000 100 0 0 10 0%n",
                    i, i + 1, 1000 + i));
        }
        FakeServerRoot root = FakeServerRoot.under(baseDir, id).procNet("tcp", tcp.toString()).requireRestart(Instant.now(), "libc6");
        try (TestSshServer ssh = TestSshServer.serving(root).trusted()) {
            registerSsh(id, "ssh-shop", ssh.port());
            CheckCompleted check = awaitCheck(id, c -> true);
            assertThat(check.outcome()).isEqualTo(CheckOutcome.UNREACHABLE);
            assertThat(check.reason()).isEqualTo("TOO_MANY_SOCKETS");
            assertThat(check.packages()).isEmpty();
            assertThat(check.discovered()).isNull();
        }
    }

    @Test
    void moreThanFiveHundredPackagesFailTheCheck() throws Exception {
        String id = newId("ssh-many");
        String[] packages = IntStream.range(0, 501).mapToObj(i -> "lib" + i).toArray(String[]::new);
        FakeServerRoot root = FakeServerRoot.under(baseDir, id).requireRestart(Instant.now(), packages);
        try (TestSshServer ssh = TestSshServer.serving(root).trusted()) {
            registerSsh(id, "ssh-shop", ssh.port());
            CheckCompleted check = awaitCheck(id, c -> true);
            assertThat(check.outcome()).isEqualTo(CheckOutcome.UNREACHABLE);
            assertThat(check.reason()).isEqualTo("TOO_MANY_PACKAGES");
            assertThat(check.packages()).isEmpty();
        }
    }

    @Test
    void exactlyFiveHundredPackagesAreKept() throws Exception {
        String id = newId("ssh-500");
        String[] packages = IntStream.range(0, 500).mapToObj(i -> "lib" + i).toArray(String[]::new);
        FakeServerRoot root = FakeServerRoot.under(baseDir, id).requireRestart(Instant.now(), packages);
        try (TestSshServer ssh = TestSshServer.serving(root).trusted()) {
            registerSsh(id, "ssh-shop", ssh.port());
            CheckCompleted check = awaitCheck(id, c -> true);
            assertThat(check.outcome()).as("reason %s", check.reason()).isEqualTo(CheckOutcome.REBOOT_REQUIRED);
            assertThat(check.packages()).hasSize(500);
        }
    }

    @Test
    void aCommandThatNeverFinishesTimesOut() throws Exception {
        String id = newId("ssh-hang");
        try (TestSshServer ssh = TestSshServer.hanging(FakeServerRoot.under(baseDir, id)).trusted()) {
            registerSsh(id, "ssh-shop", ssh.port());
            CheckCompleted check = awaitCheck(id, c -> true);
            assertThat(check.outcome()).isEqualTo(CheckOutcome.UNREACHABLE);
            assertThat(check.reason()).isEqualTo("TIMEOUT");
        }
    }

    @Test
    void aClosedPortIsUnreachableAndRetriedLater() throws Exception {
        String id = newId("ssh-closed");
        // Nobody listens there (below the ephemeral range, so no client connection takes it meanwhile).
        int closedPort = io.restartwatch.localstack.LoopbackPorts.reserve();
        registerSsh(id, "ssh-shop", closedPort);
        CheckCompleted check = awaitCheck(id, c -> true);
        assertThat(check.outcome()).isEqualTo(CheckOutcome.UNREACHABLE);
        assertThat(check.reason()).isEqualTo("CONNECTION_REFUSED");
        given().when().get("/api/servers/{id}", id).then().statusCode(200);
        Instant nextCheck = Instant.parse(given().when().get("/api/servers/{id}", id).then().extract().path("nextCheckAt"));
        assertThat(nextCheck).isBetween(check.checkedAt().plusSeconds(20), check.checkedAt().plusSeconds(40));
    }

    private CheckCompleted awaitCheck(String serverId, Predicate<CheckCompleted> match) {
        return kafka.awaitEvents(Topics.CHECKS, Duration.ofSeconds(90),
                e -> serverId.equals(e.key()) && match.test(e.data(CheckCompleted.class)), 1).get(0).data(CheckCompleted.class);
    }

    static String fixture(String path) throws java.io.IOException {
        try (var in = SshProbeTest.class.getResourceAsStream("/fixtures/" + path)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static String newId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void registerSsh(String id, String app, int port) {
        given().contentType(ContentType.JSON).body("""
                        {"id":"%s","hostname":"%s.example.com","address":{"host":"127.0.0.1","sshPort":%d},
                         "applicationId":"%s","environment":"production","probeKind":"ssh","sshUser":"restartwatch",
                         "openPorts":[{"port":22,"protocol":"tcp","sources":["10.0.0.0/8"]}]}""".formatted(id, id, port, app))
                .when().post("/api/servers")
                .then().statusCode(201);
    }
}
