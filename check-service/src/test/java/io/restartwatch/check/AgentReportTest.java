package io.restartwatch.check;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.UUID;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restartwatch.testsupport.LocalInfraResource;
import io.restartwatch.testsupport.TestCredentials;
import org.junit.jupiter.api.Test;

/** POST /api/agent/reports: who may report, and what any report may contain. */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "check"))
@WithTestResource(SshTestResource.class)
class AgentReportTest {

    @Test
    void aServerCheckedByAProbeRefusesAgentReportsEvenWithAValidToken() {
        String id = "probed-" + UUID.randomUUID().toString().substring(0, 8);
        // Reported by its agent once, then moved to an ssh probe on a closed port: its own checks are all
        // UNREACHABLE, so a REBOOT_REQUIRED would be the old token's report.
        register(id, """
                "probeKind":"agent\"""");
        String token = AgentServers.token(id);
        given().contentType(ContentType.JSON).body("""
                        {"hostname":"%s.example.com","applicationId":"shop","environment":"production",
                         "probeKind":"ssh","address":{"host":"127.0.0.1","sshPort":1}}""".formatted(id))
                .when().put("/api/servers/{id}", id)
                .then().log().ifValidationFails().statusCode(200);
        // And no new token is issued for it: no report could use it.
        given().when().post("/api/servers/{id}/agent-token", id)
                .then().statusCode(409).contentType("application/problem+json").body("detail", containsString("ssh probe"));

        given().contentType(ContentType.JSON).filter(TestCredentials.as(token))
                .body(report(id, "6.8.0-48-generic", List.of("6.8.0-48-generic")))
                .when().post("/api/agent/reports")
                .then().log().ifValidationFails()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("detail", containsString("checked by its ssh probe"));

        List<String> triggers = given().when().get("/api/servers/{id}/checks", id).then().statusCode(200).extract().path("trigger");
        List<String> outcomes = given().when().get("/api/servers/{id}/checks", id).then().statusCode(200).extract().path("outcome");
        assertThat(triggers).doesNotContain("AGENT");
        assertThat(outcomes).doesNotContain("REBOOT_REQUIRED");
    }

    @Test
    void aWrongTokenIsRefusedBeforeTheProbeKindIsRevealed() {
        String id = "probed-" + UUID.randomUUID().toString().substring(0, 8);
        register(id, """
                "probeKind":"ssh","address":{"host":"127.0.0.1","sshPort":1}""");
        given().contentType(ContentType.JSON).filter(TestCredentials.as("rwa_wrong"))
                .body(report(id, "6.8.0-48-generic", List.of()))
                .when().post("/api/agent/reports")
                .then().statusCode(401).body("detail", org.hamcrest.Matchers.not(containsString("probe")));
    }

    @Test
    void aKernelReleaseWithATwentyDigitNumberIsAccepted() {
        String id = "agent-" + UUID.randomUUID().toString().substring(0, 8);
        register(id, """
                "probeKind":"agent\"""");
        String token = AgentServers.token(id);

        given().contentType(ContentType.JSON).filter(TestCredentials.as(token))
                .body(report(id, "5.15.0-91-generic", List.of("5.15.0-91-generic", "5.15.0-99999999999999999999-generic")))
                .when().post("/api/agent/reports")
                .then().log().ifValidationFails()
                .statusCode(202)
                .body("outcome", equalTo("REBOOT_REQUIRED"));

        given().when().get("/api/servers/{id}/checks", id)
                .then().statusCode(200)
                .body("[0].trigger", equalTo("AGENT"))
                .body("[0].installedKernel", equalTo("5.15.0-99999999999999999999-generic"));
    }

    @Test
    void aReportWithToolOutputBecomesDiscoveredFactsServicesAndLivepatch() {
        String id = "agent-" + UUID.randomUUID().toString().substring(0, 8);
        String token = agentServer(id);
        given().contentType(ContentType.JSON).filter(TestCredentials.as(token)).body("""
                        {"serverId":"%s","rebootRequired":false,"packages":[],"runningKernel":"6.1.0-18-amd64","installedKernels":["6.1.0-18-amd64"],
                         "agentVersion":"3",
                         "listening":["tcp 00000000:0016","tcp6 00000000000000000000000000000000:01BB","tcp 0100007F:1538","udp 00000000:14E9"],
                         "firewall":{"tool":"iptables","output":["*filter",":INPUT DROP [0:0]","-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 22 -j ACCEPT",
                                     "-A INPUT -p tcp -m tcp --dport 443 -j ACCEPT","COMMIT"],"output6":["*filter",":INPUT DROP [0:0]","-A INPUT -p tcp -m tcp --dport 443 -j ACCEPT","COMMIT"]},
                         "needrestart":["NEEDRESTART-VER: 3.6","NEEDRESTART-KCUR: 6.1.0-18-amd64","NEEDRESTART-KEXP: 6.1.0-18-amd64","NEEDRESTART-KSTA: 2","NEEDRESTART-SVC: ssh.service"],
                         "needsRestarting":null,
                         "livepatch":{"tool":"canonical-livepatch","output":["kernel: 6.1.0-18-amd64","patch state: ✓ all applicable livepatch modules inserted"]}}"""
                        .formatted(id))
                .when().post("/api/agent/reports")
                .then().log().ifValidationFails().statusCode(202).body("outcome", equalTo("REBOOT_REQUIRED"));

        given().when().get("/api/servers/{id}/checks", id).then().statusCode(200)
                .body("[0].detectedBy", contains("needrestart"))
                .body("[0].services", contains("ssh.service"))
                .body("[0].livepatch.state", equalTo("applied"))
                .body("[0].discovered.listening.port", contains(22, 443, 5432, 5353))
                .body("[0].discovered.listening[1].address", equalTo("::"))
                .body("[0].discovered.firewall.source", equalTo("iptables"))
                .body("[0].discovered.firewall.inboundFiltered", equalTo(true))
                .body("[0].discovered.firewall.allowed.find { it.port == 443 }.sources", contains("0.0.0.0/0", "::/0"));
    }

    @Test
    void tenThousandSocketsAre413AndNothingIsStored() {
        String id = "agent-" + UUID.randomUUID().toString().substring(0, 8);
        String token = agentServer(id);
        String sockets = java.util.stream.IntStream.rangeClosed(1, 10_000)
                .mapToObj(port -> "\"tcp 00000000:%04X\"".formatted(port)).collect(java.util.stream.Collectors.joining(","));
        given().contentType(ContentType.JSON).filter(TestCredentials.as(token))
                .body(withFacts(id, "\"listening\":[" + sockets + "]"))
                .when().post("/api/agent/reports")
                .then().statusCode(413).contentType("application/problem+json").body("status", equalTo(413));
        String megabyte = "\"" + "-A INPUT -p tcp --dport 22 -j ACCEPT ".repeat(28_000) + "\"";
        given().contentType(ContentType.JSON).filter(TestCredentials.as(token))
                .body(withFacts(id, "\"firewall\":{\"tool\":\"iptables\",\"output\":[" + megabyte + "]}"))
                .when().post("/api/agent/reports")
                .then().statusCode(413).contentType("application/problem+json");
        noChecks(id);
    }

    @Test
    void garbageSocketsAndFirewallsAre400NamingTheFieldAndNothingIsStored() {
        String id = "agent-" + UUID.randomUUID().toString().substring(0, 8);
        String token = agentServer(id);
        problem(token, withFacts(id, "\"listening\":[\"tcp 00000000:0016\",\"tcp \\u0000\\u0001\u00ff\"]"), "listening", "MALFORMED_OUTPUT");
        problem(token, withFacts(id, "\"listening\":[\"icmp 00000000:0016\"]"), "listening", "MALFORMED_OUTPUT");
        problem(token, withFacts(id, "\"firewall\":{\"tool\":\"iptables\",\"output\":[\"*filter\",\"\\u0000\\u0002\\u0003binary\"]}"),
                "firewall", "MALFORMED_OUTPUT");
        problem(token, withFacts(id, "\"firewall\":{\"tool\":\"nftables\",\"output\":[\"{not json\"]}"), "firewall", "MALFORMED_OUTPUT");
        problem(token, withFacts(id, "\"firewall\":{\"tool\":\"pf\",\"output\":[]}"), "firewall.tool", "nftables");
        // 65 rules of 64 ports each: 4160 allowed ports, more than DiscoveredExposure.MAX_FIREWALL_RULES.
        String rules = java.util.stream.IntStream.range(0, 65)
                .mapToObj(i -> "\"-A INPUT -p tcp --dport %d:%d -j ACCEPT\"".formatted(i * 64 + 1, i * 64 + 64))
                .collect(java.util.stream.Collectors.joining(","));
        problem(token, withFacts(id, "\"firewall\":{\"tool\":\"iptables\",\"output\":[\"*filter\"," + rules + "]}"),
                "firewall", "TOO_MANY_FIREWALL_RULES");
        noChecks(id);
    }

    private static String agentServer(String id) {
        register(id, "\"probeKind\":\"agent\"");
        return AgentServers.token(id);
    }

    private static String withFacts(String id, String facts) {
        return "{\"serverId\":\"" + id + "\",\"rebootRequired\":true,\"packages\":[\"libc6\"],\"runningKernel\":\"6.8.0-48-generic\","
                + "\"installedKernels\":[],\"agentVersion\":\"3\"," + facts + "}";
    }

    private static void problem(String token, String body, String field, String detail) {
        given().contentType(ContentType.JSON).filter(TestCredentials.as(token)).body(body)
                .when().post("/api/agent/reports")
                .then().log().ifValidationFails()
                .statusCode(400)
                .contentType("application/problem+json")
                .body(containsString(field))
                .body(containsString(detail));
    }

    private static void noChecks(String id) {
        given().when().get("/api/servers/{id}/checks", id).then().statusCode(200).body("$", org.hamcrest.Matchers.empty());
    }

    private static void register(String id, String probe) {
        given().contentType(ContentType.JSON).body("""
                        {"id":"%s","hostname":"%s.example.com","applicationId":"shop","environment":"production",%s}"""
                        .formatted(id, id, probe))
                .when().post("/api/servers")
                .then().log().ifValidationFails().statusCode(201);
    }

    private static String report(String id, String runningKernel, List<String> installedKernels) {
        return """
                {"serverId":"%s","rebootRequired":true,"packages":["libc6"],"runningKernel":"%s","installedKernels":[%s]}"""
                .formatted(id, runningKernel, String.join(",", installedKernels.stream().map(k -> "\"" + k + "\"").toList()));
    }
}
