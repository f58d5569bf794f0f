package io.restartwatch.contracts;

import java.util.List;

/** Kafka topic names, in one place, with the partition count the local stack and manifests use. */
public final class Topics {

    /** Server inventory snapshots, compacted, key = server id. */
    public static final String SERVERS = "restartwatch.servers";
    /** Completed deploys from pipelines, key = application id. */
    public static final String DEPLOYS = "restartwatch.deploys";
    /** Every check of a server's restart-required state, key = server id. */
    public static final String CHECKS = "restartwatch.checks";
    /** Priority assessments of pending restarts, key = server id. */
    public static final String PRIORITIES = "restartwatch.priorities";
    /** The public notification lifecycle other systems consume, key = server id. */
    public static final String NOTIFICATIONS = "restartwatch.notifications";
    /** Whether each server can currently be vouched for (unverified / verified transitions), key = server id. */
    public static final String FRESHNESS = "restartwatch.freshness";
    /** Each application's priority policy, compacted, key = application id. */
    public static final String POLICIES = "restartwatch.policies";
    /**
     * Restart plans and the life of each planned restart (scheduled, started, verified, failed, cancelled), key =
     * server id for {@code restart.*}, plan id for {@code plan.*}. Executors act on {@code restart.scheduled}.
     */
    public static final String RESTARTS = "restartwatch.restarts";

    /**
     * API keys every service authenticates from memory, compacted, key = key id. Holds hashes, never keys.
     */
    public static final String API_KEYS = "restartwatch.apikeys";
    /** When each API key was last used, reported by every service instance now and then, key = key id. */
    public static final String API_KEY_USAGE = "restartwatch.apikeys.usage";

    /** Partitions per topic: the ceiling on consumer instances per service. */
    public static final int PARTITIONS = 6;

    public static final List<String> ALL = List.of(SERVERS, DEPLOYS, CHECKS, PRIORITIES, NOTIFICATIONS, FRESHNESS, POLICIES, RESTARTS, API_KEYS, API_KEY_USAGE);
    /** Topics whose history is only the latest value per key. */
    public static final List<String> COMPACTED = List.of(SERVERS, POLICIES, API_KEYS, API_KEY_USAGE);

    private static final String DEAD_LETTER_SUFFIX = ".dlq";

    private Topics() {
    }

    /** The dead-letter topic that receives poison events of {@code topic}. */
    public static String deadLetter(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }
}
