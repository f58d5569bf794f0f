package io.restartwatch.check.domain;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.restartwatch.check.domain.CheckRecorder.Pushed;
import io.restartwatch.check.persistence.CheckEntity;
import io.restartwatch.check.persistence.ServerEntity;
import io.restartwatch.support.tx.GroupCommit;
import io.restartwatch.check.probe.ProbeResult;
import io.restartwatch.support.rest.ProblemException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Agent reports, written in groups: when a fleet's agents report at once (patch day, or every timer firing
 * together) each report would otherwise pay its own commit. A report is answered only once it is committed,
 * so "202 Accepted" still means durable. A group is written with a constant number of statements
 * ({@link CheckRecorder#recordPushedAll}); a report refused in it (server gone, or not an agent's) fails alone.
 */
@ApplicationScoped
public class AgentReports {

    private final GroupCommit<Pushed, CheckEntity> writes;

    public AgentReports(CheckRecorder recorder,
                        @ConfigProperty(name = "restartwatch.agent.max-group", defaultValue = "200") int maxGroup,
                        @ConfigProperty(name = "restartwatch.agent.max-waiting", defaultValue = "5000") int maxWaiting) {
        this.writes = GroupCommit.ofGroups("agent-reports", recorder::recordPushedAll, maxGroup, maxWaiting);
    }

    /**
     * Only a server checked by its agent takes reports: a token issued to any other server must not let it
     * overwrite what its probe finds.
     */
    public static void requireAgentServer(ServerEntity server, String serverId) {
        if (server == null) {
            throw ProblemException.notFound("No server '" + serverId + "'");
        }
        requireAgent(server.id, server.probeKind);
    }

    /** 409 unless an agent checks the server. */
    public static void requireAgent(String serverId, ProbeKind probeKind) {
        if (probeKind != ProbeKind.AGENT) {
            throw ProblemException.conflict("Server '" + serverId + "' is checked by its " + probeKind.json()
                    + " probe, not by an agent: its reports are refused");
        }
    }

    /** Records the report as a check and returns it once committed; 409 if the server is not an agent server. */
    public CheckEntity record(String serverId, ProbeResult result) throws InterruptedException {
        return writes.submit(new Pushed(serverId, result));
    }

    @PreDestroy
    void close() {
        writes.close();
    }
}
