package io.restartwatch.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.DeployCompleted;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Topics;

/**
 * P4 SSH sweep: M SSH servers, each with its own account and its own fake root on the local MINA server (ECDSA
 * P-256 host key pinned in known_hosts), one check-service with the production concurrency; a
 * {@code deploy.completed} of their application makes all due. Each root is written before its server is
 * registered, so every probe, the first included, reads that server's own root. The figure counts only the
 * deploy's checks that found what the server's root says (REBOOT_REQUIRED with that root's boot id), over the
 * time until all M deploy checks are recorded; every other check is counted in {@code p4_ssh_sweep_failed}.
 * The probe output is produced by {@code /bin/sh} once per account and replayed byte for byte (a real fleet's
 * shells run on other machines).
 */
final class SshSweepFigure implements Figure {

    private static final String APPLICATION = "sweep";
    private static final String DEPLOY_ID = "sweep-1";
    private static final List<String> PACKAGES = List.of("linux-image-6.8.0-49-generic");
    private static final Duration CHECKS_WITHIN = Duration.ofMinutes(10);
    private static final int FAILURE_EXAMPLES = 5;

    @Override
    public String phase() {
        return "p4";
    }

    @Override
    public String name() {
        return "p4_ssh_sweep";
    }

    @Override
    public void measure(Bench bench) throws Exception {
        int m = bench.options.sweepServers();
        bench.ssh.replay = true;
        Bench.log("P4 SSH sweep: writing %d fake roots (one SSH account each), then registering the servers (application %s)...",
                m, APPLICATION);
        Map<String, String> bootIds = new HashMap<>();
        for (int i = 0; i < m; i++) {
            String id = "p4-" + i;
            bench.ssh.writeRoot(id, 1, PACKAGES);
            bootIds.put(id, bench.ssh.bootId(id));
        }
        for (int i = 0; i < m; i++) {
            String id = "p4-" + i;
            bench.register(id, APPLICATION, "ssh", id);
        }
        Results results = bench.results;
        try (Connection db = bench.database("check")) {
            if (!bench.awaitAtLeast(name(), "registration checks of p4-* recorded", m, CHECKS_WITHIN, Duration.ofMillis(100),
                    () -> Bench.queryLong(db, "select count(distinct server_id) from server_check where server_id like 'p4-%'"))) {
                return;
            }
            results.details.put("p4_registration_checks_as_expected", asExpected(db, "check_trigger <> 'DEPLOY'", bootIds).good().size());
            // The registration sweep's events must not compete with the deploy's checks (a timeout is recorded, the sweep goes on).
            bench.awaitDrained(name(), Duration.ofMinutes(5));
            Bench.log("P4 SSH sweep: deploy %s of application %s → %d rechecks...", DEPLOY_ID, APPLICATION, m);
            CpuTime cpuBefore = CpuTime.sample(bench.stack);
            long start = System.nanoTime();
            try (var producer = bench.producer("0")) {
                producer.send(Bench.cloudEvent(Topics.DEPLOYS, APPLICATION, EventTypes.DEPLOY_COMPLETED,
                        new DeployCompleted(DeployCompleted.SCHEMA_VERSION, DEPLOY_ID, APPLICATION, "production", List.of(),
                                Instant.now(), "benchmark", null, null))).get();
            }
            boolean complete = bench.awaitAtLeast(name(), "checks of deploy " + DEPLOY_ID + " recorded for p4-* (any outcome)", m,
                    CHECKS_WITHIN, Duration.ofMillis(20), () -> Bench.queryLong(db, "select count(distinct server_id) from server_check "
                            + "where deploy_id = '" + DEPLOY_ID + "' and server_id like 'p4-%'"));
            double seconds = (System.nanoTime() - start) / 1e9;
            CpuTime cpuAfter = CpuTime.sample(bench.stack);
            Checked checked = asExpected(db, "deploy_id = '" + DEPLOY_ID + "'", bootIds);
            int good = checked.good().size();
            int failed = m - good;
            results.details.put("p4_servers", m);
            results.details.put("p4_expected", "outcome REBOOT_REQUIRED with the boot id of the server's own root");
            results.details.put("p4_outcomes", checked.outcomes());
            results.details.put("p4_checks_as_expected", good);
            results.details.put("p4_failure_examples", checked.failureExamples());
            results.details.put("p4_seconds", Bench.round1(seconds));
            try (var statement = db.createStatement();
                 ResultSet rows = statement.executeQuery("select avg(duration_ms), percentile_cont(0.99) within group (order by duration_ms) "
                         + "from server_check where deploy_id = '" + DEPLOY_ID + "' and server_id like 'p4-%'")) {
                rows.next();
                results.details.put("p4_probe_duration_ms_avg", Bench.round1(rows.getDouble(1)));
                results.details.put("p4_probe_duration_ms_p99", Bench.round1(rows.getDouble(2)));
            }
            Bench.log("P4 SSH sweep: %d of %d deploy checks found what their server's root says in %.1f s; %d failed or missing; outcomes %s",
                    good, m, seconds, failed, checked.outcomes());
            if (complete) {
                // Against a real fleet check-service pays only its own share: the SSH servers (in this benchmark's
                // JVM, "benchmark (load generator)") run elsewhere, and the rest is the pipeline after the check.
                Map<String, Double> perCheck = cpuAfter.millisPerUnitSince(cpuBefore, m);
                results.details.put("p4_cpu_ms_per_check_by_component", perCheck);
                results.add("p4_check_service_cpu_per_check", perCheck.get("check-service"), "ms");
                results.add("p4_ssh_sweep_throughput", Math.round(good / seconds), "checks/s", 300, true);
            } else {
                results.none("p4_ssh_sweep_throughput", "checks/s", 300, true,
                        "not every deploy check was recorded within " + CHECKS_WITHIN.toMinutes() + " min");
            }
            results.add("p4_ssh_sweep_failed", failed, "checks", 0, false);
        }
    }

    /** The servers (p4-*) whose check (matching {@code where}) found what their root says, outcomes, a few failures. */
    private record Checked(Set<String> good, Map<String, Long> outcomes, List<String> failureExamples) {
    }

    private static Checked asExpected(Connection db, String where, Map<String, String> bootIds) throws Exception {
        Set<String> good = new HashSet<>();
        Map<String, Long> outcomes = new TreeMap<>();
        List<String> examples = new ArrayList<>();
        try (PreparedStatement query = db.prepareStatement("select server_id, outcome, boot_id, reason, detail from server_check "
                + "where server_id like 'p4-%' and " + where);
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                String server = rows.getString(1);
                String outcome = rows.getString(2);
                outcomes.merge(outcome, 1L, Long::sum);
                if (CheckOutcome.REBOOT_REQUIRED.name().equals(outcome) && bootIds.get(server).equals(rows.getString(3))) {
                    good.add(server);
                } else if (examples.size() < FAILURE_EXAMPLES) {
                    Map<String, String> example = new LinkedHashMap<>();
                    example.put("server", server);
                    example.put("outcome", outcome);
                    example.put("bootId", rows.getString(3));
                    example.put("reason", rows.getString(4));
                    example.put("detail", rows.getString(5));
                    examples.add(example.toString());
                }
            }
        }
        return new Checked(good, outcomes, examples);
    }
}
