package io.restartwatch.plan.rest;

import java.util.List;

/** One page of a list; {@code total} counts every match (the same shape the other services answer). */
public record Page<T>(List<T> items, int page, int size, long total) {
}
