package io.restartwatch.check;

import jakarta.inject.Singleton;

import io.quarkus.test.Mock;
import io.restartwatch.testsupport.AdjustableClock;

/** This service's Clock in tests: real time plus an offset a test moves forward (see {@link AdjustableClock}). */
@Mock
@Singleton
public class MutableClock extends AdjustableClock {
}
