package io.restartwatch.benchmarks;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.restartwatch.contracts.EventJson;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Topics;

/**
 * P2 latencies on an idle pipeline, one sample at a time: a check result → its {@code notification.opened}; and a
 * signed deploy hook → check-service rechecks an SSH server (now rebooted: a real shell per probe) →
 * {@code notification.cleared}. A sample that does not arrive in time stops its measurement: the timeout is recorded
 * and that latency has no figure (a percentile over the samples that did arrive would hide it).
 */
final class LatencyFigure implements Figure {

    private static final Duration SAMPLE_WITHIN = Duration.ofSeconds(60);
    /**
     * Pacing between samples, part of the load's definition (one event at a time, the pipeline otherwise idle):
     * not a wait for anything, each sample itself waits for its event.
     */
    private static final Duration CHECK_SAMPLE_GAP = Duration.ofMillis(20);
    private static final Duration DEPLOY_SAMPLE_GAP = Duration.ofMillis(50);
    /** The deploy hook limits each pipeline credential to a burst of 30 then 60/min: one pipeline per 25 deploys. */
    private static final int DEPLOYS_PER_PIPELINE = 25;

    @Override
    public String phase() {
        return "p2";
    }

    @Override
    public String name() {
        return "p2_latency";
    }

    @Override
    public void measure(Bench bench) throws Exception {
        checkToNotification(bench);
        deployHookToCleared(bench);
    }

    private static void checkToNotification(Bench bench) throws Exception {
        String figure = "p2_check_to_notification";
        int samples = bench.options.latencySamples();
        int warmup = Math.max(5, samples / 10);
        Bench.log("P2 latency: %d single check results (+%d warm-up), one at a time...", samples, warmup);
        double[] latencies = new double[samples];
        try (var producer = bench.producer("0")) {
            for (int i = 0; i < warmup + samples; i++) {
                String id = "p2l-" + i;
                long sent = System.nanoTime();
                producer.send(Bench.cloudEvent(Topics.CHECKS, id, EventTypes.CHECK_COMPLETED, Bench.rebootRequired(id, "latency"))).get();
                long seen = bench.notifications.await(EventTypes.NOTIFICATION_OPENED, id, SAMPLE_WITHIN);
                if (seen < 0) {
                    bench.results.timedOut(figure, "notification.opened for " + id + " (sample " + (i + 1) + " of " + (warmup + samples) + ")",
                            SAMPLE_WITHIN);
                    return;
                }
                if (i >= warmup) {
                    latencies[i - warmup] = (seen - sent) / 1e6;
                }
                Thread.sleep(CHECK_SAMPLE_GAP.toMillis());
            }
        }
        Arrays.sort(latencies);
        bench.results.add("p2_check_to_notification_p50", Bench.round1(Results.percentile(latencies, 50)), "ms");
        bench.results.add("p2_check_to_notification_p99", Bench.round1(Results.percentile(latencies, 99)), "ms", 250, false);
    }

    private static void deployHookToCleared(Bench bench) throws Exception {
        String figure = "p2_deploy_hook_to_cleared";
        int samples = bench.options.deploySamples();
        bench.ssh.replay = false; // a real shell per probe, as sshd runs it
        Bench.log("P2 deploy hook: registering %d SSH servers (one application and one account each) on 127.0.0.1:%d...",
                samples, bench.ssh.port());
        for (int i = 0; i < samples; i++) {
            String id = "p2d-" + i;
            bench.ssh.writeRoot(id, 3, List.of("libc6")); // the root (and the account) before the server exists
            bench.register(id, "p2app-" + i, "ssh", id);
        }
        if (!bench.awaitAtLeast(figure, "notification.opened for the registered SSH servers p2d-*", samples,
                Duration.ofSeconds(120 + samples), Duration.ofMillis(100),
                () -> bench.notifications.count(EventTypes.NOTIFICATION_OPENED, "p2d"))) {
            return;
        }
        String hook = bench.stack.url("deploy-hook-service");
        List<Map<String, Object>> pipelines = new ArrayList<>();
        for (int p = 0; p * DEPLOYS_PER_PIPELINE < samples; p++) {
            HttpResponse<String> created = Bench.send("POST", hook + "/api/pipelines",
                    "{\"id\":\"bench-" + p + "\",\"name\":\"Benchmark " + p + "\",\"applicationIds\":[\"*\"]}", bench.admin());
            Bench.expect(created, 201);
            @SuppressWarnings("unchecked")
            Map<String, Object> pipeline = EventJson.read(created.body(), Map.class);
            pipelines.add(pipeline);
        }
        Bench.log("P2 deploy hook: %d signed deploys, one at a time...", samples);
        double[] latencies = new double[samples];
        for (int i = 0; i < samples; i++) {
            String id = "p2d-" + i;
            bench.ssh.rebooted(id);
            Map<String, Object> pipeline = pipelines.get(i / DEPLOYS_PER_PIPELINE);
            String body = "{\"applicationId\":\"p2app-" + i + "\",\"environment\":\"production\",\"deployId\":\"bench-" + i
                    + "\",\"status\":\"completed\"}";
            String timestamp = String.valueOf(Instant.now().getEpochSecond());
            String signature = "sha256=" + Bench.hmac((String) pipeline.get("hmacSecret"), timestamp + "." + body);
            long sent = System.nanoTime();
            Bench.expect(Bench.send("POST", hook + "/api/deploys", body, Map.of(
                    "X-RestartWatch-Pipeline", (String) pipeline.get("pipelineId"),
                    "X-RestartWatch-Timestamp", timestamp,
                    "X-RestartWatch-Signature", signature)), 202);
            long seen = bench.notifications.await(EventTypes.NOTIFICATION_CLEARED, id, SAMPLE_WITHIN);
            if (seen < 0) {
                bench.results.timedOut(figure, "notification.cleared for " + id + " (sample " + (i + 1) + " of " + samples + ")", SAMPLE_WITHIN);
                return;
            }
            latencies[i] = (seen - sent) / 1e6;
            Thread.sleep(DEPLOY_SAMPLE_GAP.toMillis());
        }
        Arrays.sort(latencies);
        bench.results.add("p2_deploy_hook_to_cleared_p50", Bench.round1(Results.percentile(latencies, 50)), "ms");
        bench.results.add("p2_deploy_hook_to_cleared_p99", Bench.round1(Results.percentile(latencies, 99)), "ms", 1000, false);
    }
}
