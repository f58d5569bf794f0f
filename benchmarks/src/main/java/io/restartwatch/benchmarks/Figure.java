package io.restartwatch.benchmarks;

/**
 * One figure (or a small family of figures measured together) of {@code ./stack bench}. {@link BenchmarkMain} runs
 * the figures of the chosen phases in order on one running system; a figure records its values, details and any
 * wait that timed out in {@link Bench#results}. An exception fails this figure only: it is recorded and printed,
 * and the next figure runs.
 */
interface Figure {

    /** The {@code --phases} name that selects it ({@code p1}, {@code p4}, {@code plan}…). */
    String phase();

    /** Prefix of its figures' names, used for its failures ({@code p4_ssh_sweep} → {@code p4_ssh_sweep_timed_out}). */
    String name();

    void measure(Bench bench) throws Exception;
}
