package io.restartwatch.check.domain;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.restartwatch.check.persistence.CheckEntity;
import io.restartwatch.check.probe.ProbeResult;
import io.restartwatch.support.tx.GroupCommit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Agent reports, written in groups: when a fleet's agents report at once (patch day, or every timer firing
 * together) each report would otherwise pay its own commit. A report is answered only once it is committed,
 * so "202 Accepted" still means durable.
 */
@ApplicationScoped
public class AgentReports {

    private final GroupCommit<Report, CheckEntity> writes;

    public AgentReports(CheckRecorder recorder, EntityManager entityManager,
                        @ConfigProperty(name = "restartwatch.agent.max-group", defaultValue = "200") int maxGroup,
                        @ConfigProperty(name = "restartwatch.agent.max-waiting", defaultValue = "5000") int maxWaiting) {
        this.writes = new GroupCommit<>("agent-reports", report -> recorder.recordPushed(report.serverId(), report.result()),
                entityManager, maxGroup, maxWaiting);
    }

    /** Records the report as a check and returns it once committed. */
    public CheckEntity record(String serverId, ProbeResult result) throws InterruptedException {
        return writes.submit(new Report(serverId, result));
    }

    @PreDestroy
    void close() {
        writes.close();
    }

    private record Report(String serverId, ProbeResult result) {
    }
}
