package io.restartwatch.contracts;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;
import java.time.format.DateTimeParseException;

/**
 * Reads event timestamps. Every producer here writes {@link Instant#toString()}: {@code yyyy-MM-ddTHH:mm:ss}, an
 * optional fraction of 1 to 9 digits, then {@code Z}. That one shape is read directly, because
 * {@link Instant#parse}'s general formatter was a tenth of a consumer's CPU in a profile (docs/performance.md);
 * anything else (an offset, a leap second, a year beyond 9999, garbage) goes to {@link Instant#parse}, which accepts
 * or rejects it exactly as before.
 */
public final class Timestamps {

    private static final int DATE_TIME_LENGTH = "2026-12-02T08:00:00".length();
    private static final long SECONDS_PER_DAY = 86_400;

    private Timestamps() {
    }

    /**
     * @throws DateTimeParseException when {@code text} is not an ISO-8601 instant
     */
    public static Instant parse(String text) {
        Instant fast = parseCanonical(text);
        return fast != null ? fast : Instant.parse(text);
    }

    /** The instant {@code text} names in {@link Instant#toString()}'s shape, or null when it has another shape. */
    static Instant parseCanonical(String text) {
        int length = text.length();
        if (length < DATE_TIME_LENGTH + 1 || text.charAt(length - 1) != 'Z'
                || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || day > Month.of(month).length(Year.isLeap(year))) {
            return null;
        }
        int nanos = 0;
        int fractionDigits = length - DATE_TIME_LENGTH - 2;
        if (length > DATE_TIME_LENGTH + 1) {
            if (text.charAt(DATE_TIME_LENGTH) != '.' || fractionDigits < 1 || fractionDigits > 9) {
                return null;
            }
            int fraction = digits(text, DATE_TIME_LENGTH + 1, length - 1);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction;
            for (int i = fractionDigits; i < 9; i++) {
                nanos *= 10;
            }
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * SECONDS_PER_DAY + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The decimal value of {@code text[from, to)}, or -1 when a character is not an ASCII digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }
}
