package io.restartwatch.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class EventJsonTest {

    @Test
    void checkCompletedRoundTripsWithIsoInstants() {
        var check = new CheckCompleted(CheckCompleted.SCHEMA_VERSION, "c-1", "web-1",
                Instant.parse("2026-11-26T08:00:00Z"), CheckTrigger.AGENT, CheckOutcome.REBOOT_REQUIRED, null,
                List.of("linux-image-6.8.0-49-generic", "libc6"), Instant.parse("2026-11-20T06:12:00Z"),
                "0b6b4c6e-1", "6.8.0-48-generic", "6.8.0-49-generic",
                new ServerSnapshot(ServerSnapshot.SCHEMA_VERSION, "web-1", 7, false, "web-1.example.com", "shop",
                        "production", null, List.of(new OpenPort(443, "tcp", List.of("0.0.0.0/0"))), "ssh",
                        Instant.parse("2026-11-01T00:00:00Z")), null, null, null, null);

        String json = EventJson.write(check);

        assertThat(json).contains("\"checkedAt\":\"2026-11-26T08:00:00Z\"");
        assertThat(EventJson.read(json, CheckCompleted.class)).isEqualTo(check);
    }

    @Test
    void unknownFieldsFromNewerProducersAreIgnored() {
        String json = "{\"schemaVersion\":2,\"deployId\":\"d1\",\"applicationId\":\"shop\",\"futureField\":true}";

        assertThat(EventJson.read(json, DeployCompleted.class).deployId()).isEqualTo("d1");
    }

    @Test
    void malformedJsonIsAClearError() {
        assertThatThrownBy(() -> EventJson.read("{not json", CheckCompleted.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Not a valid CheckCompleted");
    }

    @Test
    void anywhereMeansBothAddressFamilies() {
        assertThat(new OpenPort(443, "tcp", List.of("10.0.0.0/8", "::/0")).openToAnywhere()).isTrue();
        assertThat(new OpenPort(443, "tcp", List.of("0.0.0.0/0")).openToAnywhere()).isTrue();
        assertThat(new OpenPort(22, "tcp", List.of("10.0.0.0/8")).openToAnywhere()).isFalse();
    }

    @Test
    void durationsAreIso8601ForOtherSystemsAndReadBackEitherWay() {
        var silent = new ServerFreshness(ServerFreshness.SCHEMA_VERSION, "web-1", 2, "web-1.example.com", "shop", "production",
                false, "AGENT_SILENT", "no report", null, null, Duration.ofHours(3), Instant.parse("2026-12-01T08:00:00Z"));

        String json = EventJson.write(silent);

        assertThat(json).contains("\"maxSilence\":\"PT3H\"");
        assertThat(EventJson.read(json, ServerFreshness.class)).isEqualTo(silent);
        // An event written before durations were ISO-8601 (seconds) still reads.
        assertThat(EventJson.read(json.replace("\"PT3H\"", "10800.000000000"), ServerFreshness.class).maxSilence())
                .isEqualTo(Duration.ofHours(3));
    }
}
