package io.restartwatch.check.domain;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.restartwatch.check.persistence.CheckEntity;
import io.restartwatch.check.persistence.ServerEntity;
import io.restartwatch.check.probe.ProbeResult;
import io.restartwatch.support.rest.ProblemException;
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
        this.writes = new GroupCommit<>("agent-reports", report -> {
            // Again inside the transaction: the server may have been removed or switched to a pull probe since
            // the request was authenticated.
            requireAgentServer(ServerEntity.findById(report.serverId()), report.serverId());
            return recorder.recordPushed(report.serverId(), report.result());
        }, entityManager, maxGroup, maxWaiting);
    }

    /**
     * Only a server checked by its agent takes reports: a token issued to any other server must not let it
     * overwrite what its probe finds.
     */
    public static void requireAgentServer(ServerEntity server, String serverId) {
        if (server == null) {
            throw ProblemException.notFound("No server '" + serverId + "'");
        }
        if (server.probeKind != ProbeKind.AGENT) {
            throw ProblemException.conflict("Server '" + server.id + "' is checked by its " + server.probeKind.json()
                    + " probe, not by an agent: its reports are refused");
        }
    }

    /** Records the report as a check and returns it once committed; 409 if the server is not an agent server. */
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
