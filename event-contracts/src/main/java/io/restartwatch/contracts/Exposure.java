package io.restartwatch.contracts;

/** How reachable a server is from outside, judged from its open ports' source ranges. */
public enum Exposure {
    /** Some port accepts 0.0.0.0/0 or ::/0. */
    PUBLIC,
    /** Some port accepts a range that is not private. */
    RESTRICTED,
    /** Only private ranges. */
    INTERNAL
}
