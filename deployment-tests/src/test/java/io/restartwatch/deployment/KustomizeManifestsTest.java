package io.restartwatch.deployment;

import static io.restartwatch.deployment.Rendered.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code kubectl kustomize deploy/overlays/{dev,prod}} renders, and the manifests hold what operating the
 * services needs: probes on the Quarkus health endpoints, resource requests and limits, autoscaling that never
 * exceeds the partition count, disruption budgets, network policies and the Strimzi topics of the local stack.
 */
class KustomizeManifestsTest {

    static final List<String> SERVICES = List.of("check-service", "priority-service", "notification-service", "deploy-hook-service");
    static final List<String> CONSUMERS = List.of("check-service", "priority-service", "notification-service");
    static final List<String> TOPICS = List.of("restartwatch.servers", "restartwatch.deploys", "restartwatch.checks",
            "restartwatch.priorities", "restartwatch.notifications");
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
            assertThat(cleanup).as(name + " cleanup.policy").isEqualTo(name.equals("restartwatch.servers") ? "compact" : "delete");
            assertThat(at(topic, "spec.replicas").asInt()).isGreaterThanOrEqualTo(at(topic, "spec.config").path("min.insync.replicas").asInt());
        });
        if (overlay.equals("prod")) {
            topics.values().forEach(topic -> assertThat(at(topic, "spec.replicas").asInt()).isEqualTo(3));
        }
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
