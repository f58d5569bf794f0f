package io.restartwatch.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampsTest {

    private static final long YEAR_0000 = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    private static final long YEAR_9999_END = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

    @Test
    void everyInstantToStringReadsBackAsInstantParseReadsIt() {
        var random = new SplittableRandom(14);
        for (int i = 0; i < 200_000; i++) {
            long seconds = random.nextLong(YEAR_0000, YEAR_9999_END + 1);
            // Whole seconds, milli-, micro- and nanosecond precision: toString writes 0, 3, 6 or 9 fraction digits.
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            String text = Instant.ofEpochSecond(seconds, nanos).toString();

            assertThat(Timestamps.parseCanonical(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-02-29T23:59:59Z", "2000-02-29T00:00:00Z", "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.999999999Z", "2026-12-02T08:00:00.5Z", "2026-12-02T08:00:00.1234Z", "0000-01-01T00:00:00Z"})
    void edgeDatesAndFractionLengthsMatchInstantParse(String text) {
        assertThat(Timestamps.parseCanonical(text)).isEqualTo(Instant.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-12-02T10:00:00+02:00", "2026-12-02t08:00:00z", "+10000-01-01T00:00:00Z",
            "2026-12-02T08:00Z", "2026-12-02T08:00:00.Z",
            "2026-12-01T24:00:00Z", "2026-12-02T08:00:00.1234567890Z"})
    void otherShapesAreLeftToInstantParse(String text) {
        assertThat(Timestamps.parseCanonical(text)).isNull();
        assertThat(parsedOrFailure(text)).isEqualTo(parsedOrFailure(text, true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-12-32T00:00:00Z",
            "2026-12-02T08:60:00Z", "2026-12-02T08:00:0xZ", "2026-12-02 08:00:00Z", "", "Z",
            "yesterday at noon Z"})
    void invalidTimestampsAreRejectedAsInstantParseRejectsThem(String text) {
        assertThat(Timestamps.parseCanonical(text)).isNull();
        assertThatThrownBy(() -> Timestamps.parse(text)).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> Instant.parse(text)).isInstanceOf(DateTimeParseException.class);
    }

    @Test
    void eventJsonReadsCanonicalTextOtherTextAndEpochNumbers() {
        record Stamped(Instant at) {
        }

        assertThat(EventJson.read("{\"at\":\"2026-12-02T08:00:00.25Z\"}", Stamped.class).at())
                .isEqualTo(Instant.parse("2026-12-02T08:00:00.25Z"));
        assertThat(EventJson.read("{\"at\":\"2026-12-02T10:00:00+02:00\"}", Stamped.class).at())
                .isEqualTo(Instant.parse("2026-12-02T08:00:00Z"));
        assertThat(EventJson.read("{\"at\":1764662400}", Stamped.class).at()).isEqualTo(Instant.ofEpochSecond(1764662400));
        assertThat(EventJson.read("{\"at\":null}", Stamped.class).at()).isNull();
        assertThatThrownBy(() -> EventJson.read("{\"at\":\"2026-02-29T00:00:00Z\"}", Stamped.class))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Object parsedOrFailure(String text) {
        return parsedOrFailure(text, false);
    }

    /** What {@link Timestamps#parse} (or, with {@code reference}, {@link Instant#parse}) makes of {@code text}. */
    private static Object parsedOrFailure(String text, boolean reference) {
        try {
            return reference ? Instant.parse(text) : Timestamps.parse(text);
        } catch (DateTimeParseException e) {
            return DateTimeParseException.class;
        }
    }
}
