package io.restartwatch.deployment;

import static io.restartwatch.deployment.Rendered.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code kubectl kustomize deploy/overlays/{dev,prod}} renders, and the manifests hold what operating the
 * services needs: probes on the Quarkus health endpoints, resource requests and limits, autoscaling that never
 * exceeds the partition count, disruption budgets, network policies and the Strimzi topics of the local stack;
 * an Ingress that routes only the endpoints meant for outside, and secrets taken from Secrets.
 */
class KustomizeManifestsTest {

    static final List<String> SERVICES = List.of("check-service", "priority-service", "notification-service", "deploy-hook-service",
            "plan-service");
    /** Scaled on CPU up to the partition count; deploy-hook-service and plan-service carry little load (two for availability). */
    static final List<String> CONSUMERS = List.of("check-service", "priority-service", "notification-service");
    static final List<String> TOPICS = List.of("restartwatch.servers", "restartwatch.deploys", "restartwatch.checks",
            "restartwatch.priorities", "restartwatch.notifications", "restartwatch.freshness", "restartwatch.policies",
            "restartwatch.restarts", "restartwatch.apikeys", "restartwatch.apikeys.usage");
    /** As event-contracts' Topics.COMPACTED: the latest record per key is the state. */
    static final List<String> COMPACTED = List.of("restartwatch.servers", "restartwatch.policies", "restartwatch.apikeys",
            "restartwatch.apikeys.usage");
    /** The endpoints that check their own credentials and are meant to be reached from outside, and their service. */
    static final Map<String, String> PUBLIC_PATHS = Map.of("/api/agent/reports", "check-service", "/api/agent/due", "check-service",
            "/api/deploys", "deploy-hook-service", "/api/hooks/github", "deploy-hook-service", "/api/hooks/gitlab", "deploy-hook-service");
    /**
     * The one Prefix route: an agent in execute mode reports a planned restart at /api/agent/restarts/{id}/started or
     * /failed, a path no Exact rule can name; everything below it checks the server's agent token.
     */
    static final Map<String, String> PUBLIC_PREFIXES = Map.of("/api/agent/restarts", "check-service");
    /** Partitions per topic, as event-contracts' Topics.PARTITIONS and the local stack. */
    static final int PARTITIONS = 6;

    private static Map<String, List<JsonNode>> overlays;

    @BeforeAll
    static void render() {
        overlays = Map.of(
                "dev", Rendered.documents(Rendered.run(Map.of(), "kubectl", "kustomize", "deploy/overlays/dev")),
                "prod", Rendered.documents(Rendered.run(Map.of(), "kubectl", "kustomize", "deploy/overlays/prod")));
    }

    private static List<JsonNode> kind(String overlay, String kind) {
        return overlays.get(overlay).stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    private static Map<String, JsonNode> byName(String overlay, String kind) {
        return kind(overlay, kind).stream().collect(Collectors.toMap(d -> at(d, "metadata.name").asText(), d -> d));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyServiceHasHealthProbesAndResourceLimits(String overlay) {
        Map<String, JsonNode> deployments = byName(overlay, "Deployment");
        assertThat(deployments).containsOnlyKeys(SERVICES);
        deployments.forEach((name, deployment) -> {
            JsonNode container = at(deployment, "spec.template.spec.containers").get(0);
            assertThat(at(container, "livenessProbe.httpGet.path").asText()).as(name + " liveness").isEqualTo("/q/health/live");
            assertThat(at(container, "readinessProbe.httpGet.path").asText()).as(name + " readiness").isEqualTo("/q/health/ready");
            assertThat(at(container, "startupProbe.httpGet.path").asText()).as(name + " startup").isEqualTo("/q/health/started");
            for (String resource : List.of("requests.cpu", "requests.memory", "limits.cpu", "limits.memory")) {
                assertThat(at(container, "resources." + resource).asText()).as(name + " " + resource).isNotBlank();
            }
            assertThat(at(deployment, "spec.template.spec.securityContext.runAsNonRoot").asBoolean()).as(name + " non-root").isTrue();
            assertThat(at(deployment, "spec.template.metadata.annotations").path("prometheus.io/path").asText()).isEqualTo("/q/metrics");
            assertThat(container.path("env").findValuesAsText("name")).as(name + " env")
                    .contains("QUARKUS_DATASOURCE_JDBC_URL", "QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD");
            assertThat(container.path("envFrom").findValuesAsText("name")).anyMatch(n -> n.startsWith("restart-watch-config"));
        });
        assertThat(byName(overlay, "Service")).containsOnlyKeys(SERVICES);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void databaseCredentialsComeFromSecretsNotFromTheConfigMap(String overlay) {
        byName(overlay, "Deployment").forEach((name, deployment) -> {
            JsonNode env = at(deployment, "spec.template.spec.containers").get(0).path("env");
            for (JsonNode variable : env) {
                if (variable.path("name").asText().equals("QUARKUS_DATASOURCE_PASSWORD")) {
                    assertThat(at(variable, "valueFrom.secretKeyRef.name").asText()).as(name).startsWith(name + "-db");
                }
            }
        });
        kind(overlay, "ConfigMap").forEach(map -> assertThat(map.path("data").fieldNames())
                .toIterable().noneMatch(key -> key.toUpperCase().contains("PASSWORD")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void consumersAutoscaleNoFurtherThanThePartitionCount(String overlay) {
        Map<String, JsonNode> autoscalers = byName(overlay, "HorizontalPodAutoscaler");
        assertThat(autoscalers).containsOnlyKeys(CONSUMERS);
        autoscalers.forEach((name, hpa) -> {
            assertThat(at(hpa, "spec.scaleTargetRef.name").asText()).isEqualTo(name);
            assertThat(at(hpa, "spec.maxReplicas").asInt()).as(name + " maxReplicas").isBetween(1, PARTITIONS);
            assertThat(at(hpa, "spec.minReplicas").asInt()).isLessThanOrEqualTo(at(hpa, "spec.maxReplicas").asInt());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyServiceHasADisruptionBudgetAndNetworkPolicies(String overlay) {
        Map<String, JsonNode> budgets = byName(overlay, "PodDisruptionBudget");
        assertThat(budgets).containsOnlyKeys(SERVICES);
        budgets.forEach((name, pdb) ->
                assertThat(at(pdb, "spec.selector.matchLabels").path("app.kubernetes.io/name").asText()).isEqualTo(name));

        Map<String, JsonNode> policies = byName(overlay, "NetworkPolicy");
        assertThat(policies).containsKey("restart-watch-default-deny");
        JsonNode deny = policies.get("restart-watch-default-deny");
        assertThat(deny.path("spec").has("ingress")).isFalse();
        assertThat(deny.path("spec").has("egress")).isFalse();
        assertThat(at(deny, "spec.policyTypes").toString()).contains("Ingress", "Egress");
        // The deployments' pods carry the label the policies select.
        byName(overlay, "Deployment").values().forEach(deployment ->
                assertThat(at(deployment, "spec.template.metadata.labels").path("app.kubernetes.io/part-of").asText()).isEqualTo("restart-watch"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void strimziTopicsMatchTheLocalStack(String overlay) {
        Map<String, JsonNode> topics = kind(overlay, "KafkaTopic").stream()
                .collect(Collectors.toMap(t -> at(t, "spec.topicName").asText(), t -> t));
        List<String> expected = TOPICS.stream().flatMap(t -> List.of(t, t + ".dlq").stream()).toList();
        assertThat(topics).containsOnlyKeys(expected);
        topics.forEach((name, topic) -> {
            assertThat(at(topic, "metadata.labels").path("strimzi.io/cluster").asText()).as(name).isNotBlank();
            assertThat(at(topic, "spec.partitions").asInt()).as(name + " partitions").isEqualTo(name.endsWith(".dlq") ? 1 : PARTITIONS);
            String cleanup = at(topic, "spec.config").path("cleanup.policy").asText();
            assertThat(cleanup).as(name + " cleanup.policy").isEqualTo(COMPACTED.contains(name) ? "compact" : "delete");
            assertThat(at(topic, "spec.replicas").asInt()).isGreaterThanOrEqualTo(at(topic, "spec.config").path("min.insync.replicas").asInt());
        });
        if (overlay.equals("prod")) {
            topics.values().forEach(topic -> assertThat(at(topic, "spec.replicas").asInt()).isEqualTo(3));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theOnlyIngressRoutesTheAgentEndpointAndTheDeployHooksAndNothingElse(String overlay) {
        List<JsonNode> ingresses = kind(overlay, "Ingress");
        assertThat(ingresses).as("Ingresses").hasSize(1);
        JsonNode ingress = ingresses.get(0);
        assertThat(at(ingress, "apiVersion").asText()).isEqualTo("networking.k8s.io/v1");
        assertThat(ingress.path("spec").has("defaultBackend")).as("a default backend would route every other path").isFalse();

        Map<String, String> routed = new HashMap<>();
        for (JsonNode rule : at(ingress, "spec.rules")) {
            for (JsonNode path : at(rule, "http.paths")) {
                String route = path.path("path").asText();
                // Exact: a Prefix rule would also route what lies below (/api/hooks/... of a future endpoint).
                assertThat(path.path("pathType").asText()).as(route).isEqualTo(PUBLIC_PREFIXES.containsKey(route) ? "Prefix" : "Exact");
                assertThat(routed.put(route, at(path, "backend.service.name").asText())).as(route + " routed twice").isNull();
                assertThat(at(path, "backend.service.port.name").asText()).as(route).isEqualTo("http");
            }
        }
        Map<String, String> expected = new HashMap<>(PUBLIC_PATHS);
        expected.putAll(PUBLIC_PREFIXES);
        assertThat(routed).isEqualTo(expected);
        // The hosts the rules answer for are the ones with a certificate.
        List<String> tlsHosts = new ArrayList<>();
        at(ingress, "spec.tls").get(0).path("hosts").forEach(host -> tlsHosts.add(host.asText()));
        assertThat(tlsHosts).containsAll(at(ingress, "spec.rules").findValuesAsText("host"));
        assertThat(at(ingress, "spec.tls").get(0).path("secretName").asText()).isNotBlank();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void securityKeysComeFromSecretsAndAreRequired(String overlay) {
        Map<String, JsonNode> deployments = byName(overlay, "Deployment");
        deployments.forEach((name, deployment) -> {
            Map<String, JsonNode> env = env(deployment);
            assertThat(env).as(name).doesNotContainKey("RESTARTWATCH_DEPLOY_HOOK_ADMIN_KEY");
            assertRequiredSecret(name, env.get("RESTARTWATCH_SECURITY_BOOTSTRAP_ADMIN_KEY_SHA256"),
                    "restart-watch-security", "bootstrap-admin-key-sha256");
            assertRequiredSecret(name, env.get("QUARKUS_DATASOURCE_PASSWORD"), name + "-db", "password");
        });
        assertRequiredSecret("deploy-hook-service", env(deployments.get("deploy-hook-service")).get("RESTARTWATCH_DEPLOY_HOOK_SECRET_ENCRYPTION_KEY"),
                "deploy-hook-service-secrets", "secret-encryption-key");
    }

    private static void assertRequiredSecret(String service, JsonNode variable, String secret, String key) {
        assertThat(variable).as(service + ": env for " + secret + "/" + key).isNotNull();
        assertThat(variable.has("value")).as(service + " " + variable.path("name").asText() + " is a literal").isFalse();
        JsonNode ref = at(variable, "valueFrom.secretKeyRef");
        // Dev's generated Secrets carry kustomize's content-hash suffix.
        assertThat(ref.path("name").asText()).as(service).matches(Pattern.quote(secret) + "(-[a-z0-9]{10})?");
        assertThat(ref.path("key").asText()).as(service).isEqualTo(key);
        // Optional would start the service without it: refused requests, or no encryption key at all.
        assertThat(ref.path("optional").asBoolean(false)).as(service + " " + key + " optional").isFalse();
    }

    @Test
    void devGeneratesEverySecretItsDeploymentsRequireAndProdOnlyReferencesThem() {
        Map<String, JsonNode> secrets = byName("dev", "Secret");
        for (JsonNode deployment : byName("dev", "Deployment").values()) {
            for (JsonNode variable : env(deployment).values()) {
                JsonNode ref = at(variable, "valueFrom.secretKeyRef");
                if (ref.isMissingNode() || ref.path("optional").asBoolean(false)) {
                    continue;
                }
                JsonNode secret = secrets.get(ref.path("name").asText());
                assertThat(secret).as(ref.path("name").asText()).isNotNull();
                assertThat(secret.path("data").has(ref.path("key").asText())).as(ref.toString()).isTrue();
            }
        }
        String hash = decoded(secrets, "restart-watch-security", "bootstrap-admin-key-sha256");
        assertThat(hash).matches("[0-9a-f]{64}");
        assertThat(Base64.getDecoder().decode(decoded(secrets, "deploy-hook-service-secrets", "secret-encryption-key"))).hasSize(32);

        // Production Secrets come from the operator's secret store, never from this repository.
        assertThat(kind("prod", "Secret")).isEmpty();
    }

    private static String decoded(Map<String, JsonNode> secrets, String prefix, String key) {
        JsonNode secret = secrets.entrySet().stream().filter(e -> e.getKey().startsWith(prefix + "-")).map(Map.Entry::getValue)
                .findFirst().orElseThrow(() -> new AssertionError("no Secret " + prefix));
        // Kustomize wraps long values over lines: the MIME decoder skips the line breaks.
        return new String(Base64.getMimeDecoder().decode(secret.path("data").path(key).asText()), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void networkPoliciesAdmitThePublicControllerOnlyToTheServicesWithPublicEndpoints(String overlay) {
        Map<String, JsonNode> policies = byName(overlay, "NetworkPolicy");
        JsonNode publicIngress = policies.get("restart-watch-public-ingress");
        assertThat(publicIngress).isNotNull();
        JsonNode selected = at(publicIngress, "spec.podSelector.matchExpressions").get(0);
        assertThat(selected.path("key").asText()).isEqualTo("app.kubernetes.io/name");
        assertThat(selected.path("operator").asText()).isEqualTo("In");
        List<String> values = new ArrayList<>();
        selected.path("values").forEach(v -> values.add(v.asText()));
        assertThat(values).containsExactlyInAnyOrderElementsOf(PUBLIC_PATHS.values().stream().distinct().toList());
        assertThat(at(publicIngress, "spec.ingress").get(0).path("from").toString()).contains("restartwatch.io/public-ingress");

        // Every pod's HTTP port: this namespace, labelled internal namespaces and monitoring; never "from anywhere".
        for (JsonNode policy : policies.values()) {
            for (JsonNode rule : policy.path("spec").path("ingress")) {
                assertThat(rule.has("from")).as(at(policy, "metadata.name").asText() + ": an ingress rule without from admits everyone").isTrue();
                rule.path("from").forEach(peer -> assertThat(peer.has("ipBlock")).isFalse());
            }
        }
        JsonNode allow = policies.get("restart-watch-allow");
        assertThat(at(allow, "spec.ingress").get(0).path("from").toString())
                .contains("restartwatch.io/access").contains("\"kubernetes.io/metadata.name\":\"monitoring\"");
    }

    private static Map<String, JsonNode> env(JsonNode deployment) {
        Map<String, JsonNode> env = new HashMap<>();
        at(deployment, "spec.template.spec.containers").get(0).path("env")
                .forEach(variable -> env.put(variable.path("name").asText(), variable));
        return env;
    }

    @ParameterizedTest
    @ValueSource(strings = {"prod"})
    void productionRunsTwoOfEachAndShipsAlertsAndTheDashboard(String overlay) {
        byName(overlay, "Deployment").forEach((name, deployment) ->
                assertThat(at(deployment, "spec.replicas").asInt()).as(name).isGreaterThanOrEqualTo(2));
        byName(overlay, "HorizontalPodAutoscaler").values().forEach(hpa -> assertThat(at(hpa, "spec.minReplicas").asInt()).isEqualTo(2));

        JsonNode rules = kind(overlay, "PrometheusRule").get(0);
        assertThat(rules.findValuesAsText("alert")).contains("RestartWatchPublicRestartPendingOverAWeek",
                "RestartWatchConsumerLagGrowing", "RestartWatchDeadLetterTopicNotEmpty");
        assertThat(kind(overlay, "PodMonitor")).singleElement()
                .satisfies(monitor -> assertThat(at(monitor, "spec.podMetricsEndpoints").get(0).path("path").asText()).isEqualTo("/q/metrics"));
        JsonNode dashboard = byName(overlay, "ConfigMap").get("restart-watch-grafana-dashboard");
        assertThat(dashboard).isNotNull();
        JsonNode json = Rendered.yaml(dashboard.path("data").path("restart-watch.json").asText());
        assertThat(json.path("panels").findValuesAsText("expr")).anyMatch(e -> e.contains("restartwatch_pending_restarts"))
                .anyMatch(e -> e.contains("kafka_consumer_fetch_manager_records_lag"));
    }
}
