package io.restartwatch.notification.rest;

import java.util.List;

/** One page of a list; {@code total} counts every match. */
public record Page<T>(List<T> items, int page, int size, long total) {
}
