package io.restartwatch.priority.rest;

import java.util.List;

/** One page of a list; {@code total} counts every match (the same shape notification-service answers). */
public record Page<T>(List<T> items, int page, int size, long total) {
}
