package io.restartwatch.priority;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import io.restartwatch.testsupport.AdjustableClock;

/** This service's Clock in tests: real time plus an offset a test moves forward (see {@link AdjustableClock}). */
@Alternative
@Priority(1)
@Singleton
public class MutableClock extends AdjustableClock {
}
