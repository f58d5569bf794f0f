package io.restartwatch.check.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import io.restartwatch.check.persistence.FreshnessRows.Silent;
import io.restartwatch.contracts.CheckOutcome;
import org.junit.jupiter.api.Test;

/** Which reason a silent server is unverified for: what the operator has to fix comes first. */
class FreshnessReasonsTest {

    private static final Instant REGISTERED = Instant.parse("2026-11-30T08:00:00Z");
    private static final Instant VERIFIED = Instant.parse("2026-11-30T09:00:00Z");
    private static final Instant ATTEMPTED = Instant.parse("2026-11-30T11:00:00Z");
    private static final Duration MAX_SILENCE = Duration.ofHours(3);

    @Test
    void theLastFailedChecksReasonWins() {
        var why = Freshness.why(silent(ProbeKind.SSH, VERIFIED, ATTEMPTED, CheckOutcome.UNREACHABLE, "AUTH_FAILED",
                "No more authentication methods available"), MAX_SILENCE);
        assertThat(why.reason()).isEqualTo("AUTH_FAILED");
        assertThat(why.detail()).isEqualTo("No successful check since 2026-11-30T09:00:00Z, longer than the max-silence of PT3H;"
                + " the last check (2026-11-30T11:00:00Z) failed: No more authentication methods available");
    }

    @Test
    void aFailedReportOfAnAgentServerNamesTheFailureToo() {
        assertThat(Freshness.why(silent(ProbeKind.AGENT, VERIFIED, ATTEMPTED, CheckOutcome.UNREACHABLE, "TOO_MANY_PACKAGES", null),
                MAX_SILENCE).reason()).isEqualTo("TOO_MANY_PACKAGES");
    }

    @Test
    void anAgentServerWithoutRecentReportsIsAgentSilent() {
        var reported = Freshness.why(silent(ProbeKind.AGENT, VERIFIED, VERIFIED, CheckOutcome.UP_TO_DATE, null, null), MAX_SILENCE);
        assertThat(reported.reason()).isEqualTo(Freshness.AGENT_SILENT);
        assertThat(reported.detail()).endsWith("the agent's last report was at 2026-11-30T09:00:00Z");
        var never = Freshness.why(silent(ProbeKind.AGENT, null, null, null, null, null), MAX_SILENCE);
        assertThat(never.reason()).isEqualTo(Freshness.AGENT_SILENT);
        assertThat(never.detail()).startsWith("No successful check since registration (2026-11-30T08:00:00Z)")
                .endsWith("the agent has never reported");
    }

    @Test
    void aPulledServerNoCheckReachedIsNeverChecked() {
        assertThat(Freshness.why(silent(ProbeKind.SSH, null, null, null, null, null), MAX_SILENCE).reason())
                .isEqualTo(Freshness.NEVER_CHECKED);
        assertThat(Freshness.why(silent(ProbeKind.LOCAL, null, null, null, null, null), MAX_SILENCE).reason())
                .isEqualTo(Freshness.NEVER_CHECKED);
    }

    @Test
    void aPulledServerWhoseChecksStoppedIsCheckOverdue() {
        assertThat(Freshness.why(silent(ProbeKind.SSH, VERIFIED, VERIFIED, CheckOutcome.REBOOT_REQUIRED, null, null), MAX_SILENCE)
                .reason()).isEqualTo(Freshness.CHECK_OVERDUE);
    }

    @Test
    void theDetailFitsItsColumn() {
        var why = Freshness.why(silent(ProbeKind.SSH, VERIFIED, ATTEMPTED, CheckOutcome.UNREACHABLE, "SSH_ERROR", "x".repeat(2000)),
                MAX_SILENCE);
        assertThat(why.detail()).hasSize(500);
    }

    private static Silent silent(ProbeKind kind, Instant lastVerified, Instant lastAttempt, CheckOutcome outcome, String reason,
                                 String detail) {
        return new Silent("web-1", "web-1.example.com", "shop", "production", kind, REGISTERED, lastVerified, lastAttempt,
                outcome, reason, detail, 0);
    }
}
