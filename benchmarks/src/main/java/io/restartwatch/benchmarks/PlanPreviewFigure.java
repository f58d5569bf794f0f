package io.restartwatch.benchmarks;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.restartwatch.contracts.EventJson;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.OpenPort;
import io.restartwatch.contracts.PriorityAssessed;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.RestartKind;
import io.restartwatch.contracts.ServerSnapshot;
import io.restartwatch.contracts.Topics;

/**
 * {@code plan_preview_10k_ms}: {@code POST /api/plans/preview} over 10 000 pending servers of 500 applications,
 * as an operator previews a fleet-wide plan. The servers reach plan-service's read model the way real ones do:
 * {@code server.registered} on restartwatch.servers and {@code priority.assessed} (pending REBOOT, mixed exposure
 * and levels) on restartwatch.priorities. A third of the applications have weekly windows in various time zones,
 * a third a percentage for maxUnavailable, the rest no policy (any time, one at a time); the fleet limit is the
 * default 10. Warm-up previews first, then the median of {@value #SAMPLES}. Runs first, on an empty fleet: the read
 * model then holds exactly the servers previewed.
 */
final class PlanPreviewFigure implements Figure {

    private static final int SERVERS = 10_000;
    private static final int APPLICATIONS = 500;
    private static final int SAMPLES = 5;
    private static final Duration READ_MODEL_WITHIN = Duration.ofMinutes(10);

    @Override
    public String phase() {
        return "plan";
    }

    @Override
    public String name() {
        return "plan_preview";
    }

    @Override
    public void measure(Bench bench) throws Exception {
        String planUrl = bench.stack.url("plan-service");
        String[] zones = {"UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney"};
        for (int a = 0; a < APPLICATIONS; a++) {
            String body = switch (a % 3) {
                case 0 -> "{\"timeZone\":\"" + zones[a % zones.length] + "\",\"maxUnavailable\":\"2\",\"windows\":["
                        + "{\"days\":[\"MONDAY\",\"TUESDAY\",\"WEDNESDAY\",\"THURSDAY\"],\"start\":\"%02d:00\",\"end\":\"%02d:00\"}]}"
                        .formatted(a % 24, (a + 3) % 24);
                case 1 -> "{\"timeZone\":\"UTC\",\"maxUnavailable\":\"25%\",\"windows\":[]}";
                default -> null;
            };
            if (body != null) {
                Bench.expect(Bench.send("PUT", planUrl + "/api/restart-policies/" + application(a), body, bench.admin()), 200);
            }
        }
        Bench.log("plan preview: publishing %d servers of %d applications and their assessments...", SERVERS, APPLICATIONS);
        Instant now = Instant.now();
        Exposure[] exposures = Exposure.values();
        PriorityLevel[] levels = PriorityLevel.values();
        try (var producer = bench.producer("10")) {
            for (int i = 0; i < SERVERS; i++) {
                String id = "plan-bench-%05d".formatted(i);
                String application = application(i % APPLICATIONS);
                ServerSnapshot server = new ServerSnapshot(ServerSnapshot.SCHEMA_VERSION, id, 1, false, id + ".bench.internal", application,
                        "production", Map.of("bench", "plan"), List.of(new OpenPort(22, "tcp", List.of("10.0.0.0/8"))), "agent", now);
                producer.send(Bench.cloudEvent(Topics.SERVERS, id, EventTypes.SERVER_REGISTERED, server));
                var level = levels[(i / 7) % levels.length];
                var assessment = new PriorityAssessed(PriorityAssessed.SCHEMA_VERSION, id, 1,
                        application, "production", id + ".bench.internal", true, level, 10 + (i * 37) % 90, exposures[i % exposures.length],
                        List.of(), Set.of(), now.minus(Duration.ofHours(1 + i % 500)), List.of("libssl3"), now,
                        RestartKind.REBOOT, List.of(), null, List.of());
                producer.send(Bench.cloudEvent(Topics.PRIORITIES, id, EventTypes.PRIORITY_ASSESSED, assessment));
            }
            producer.flush();
        }
        long readModelStarted = System.nanoTime();
        try (Connection db = bench.database("plan")) {
            if (!bench.awaitAtLeast(name(), "plan-service's read model holds the pending plan-bench servers", SERVERS, READ_MODEL_WITHIN,
                    Duration.ofMillis(500), () -> Bench.queryLong(db, "select count(*) from plan_server where pending "
                            + "and server_id like 'plan-bench-%' and application_id is not null"))) {
                return;
            }
        }
        long readModelMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - readModelStarted);
        Bench.log("plan preview: read model complete after %d ms; previewing...", readModelMs);

        String selection = "{\"labels\":{\"bench\":\"plan\"}}";
        HttpResponse<String> first = null;
        for (int warmUp = 0; warmUp < 2; warmUp++) {
            first = Bench.send("POST", planUrl + "/api/plans/preview", selection, bench.admin());
            Bench.expect(first, 200);
        }
        double[] samples = new double[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            long started = System.nanoTime();
            HttpResponse<String> answer = Bench.send("POST", planUrl + "/api/plans/preview", selection, bench.admin());
            samples[i] = (System.nanoTime() - started) / 1e6;
            Bench.expect(answer, 200);
        }
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        @SuppressWarnings("unchecked")
        Map<String, Object> preview = EventJson.read(first.body(), Map.class);
        List<?> waves = preview.get("waves") instanceof List<?> list ? list : List.of();
        int planned = waves.stream().mapToInt(w -> w instanceof Map<?, ?> wave && wave.get("restarts") instanceof List<?> restarts ? restarts.size() : 0).sum();
        int unscheduled = preview.get("unscheduled") instanceof List<?> list ? list.size() : 0;
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("servers", SERVERS);
        detail.put("applications", APPLICATIONS);
        detail.put("samplesMs", Arrays.stream(samples).map(Bench::round1).boxed().toList());
        detail.put("waves", waves.size());
        detail.put("restartsPlanned", planned);
        detail.put("unscheduled", unscheduled);
        detail.put("responseBytes", first.body().length());
        detail.put("readModelFilledMs", readModelMs);
        bench.results.details.put("plan_preview", detail);
        // The figure is the time to preview all 10 000: a preview that saw fewer measured something else.
        if (planned + unscheduled != SERVERS) {
            throw new IllegalStateException("plan preview covered %d planned + %d unscheduled servers, not the %d registered: no figure"
                    .formatted(planned, unscheduled, SERVERS));
        }
        bench.results.add("plan_preview_10k_ms", Bench.round1(Results.percentile(sorted, 50)), "ms", 2000, false);
        bench.results.add("plan_preview_10k_max_ms", Bench.round1(sorted[sorted.length - 1]), "ms");
        // notification-service opened a notification per assessment: let it finish before the next figure measures.
        bench.awaitAtLeast(name(), "notification.opened for the plan-bench servers", SERVERS, READ_MODEL_WITHIN, Duration.ofMillis(500),
                () -> bench.notifications.count(EventTypes.NOTIFICATION_OPENED, "plan"));
    }

    private static String application(int index) {
        return "plan-app-%03d".formatted(index);
    }
}
