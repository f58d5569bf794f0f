package io.restartwatch.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.restartwatch.contracts.EventJson;

/**
 * Figures as {@code name=value unit} lines, and {@code results.json}. What did not go as planned is printed and
 * written too, never only logged: a wait that timed out ({@code <figure>_timed_out=true} and an entry in
 * {@code failures}), a figure that failed ({@code <figure>_failed=...}), a figure with no value ({@code name=none}).
 */
final class Results {

    record Figure(String name, double value, String unit, String target, Boolean met) {
    }

    final Map<String, Object> run = new LinkedHashMap<>();
    final List<Figure> figures = new ArrayList<>();
    final Map<String, Object> details = new LinkedHashMap<>();
    /** Every wait that timed out and every figure that failed, in order: {@code figure}, {@code kind}, {@code what}. */
    final List<Map<String, Object>> failures = new ArrayList<>();
    /** {@code <figure>_timed_out: true} for each figure one of whose waits timed out (top level of results.json). */
    private final Map<String, Boolean> timedOut = new LinkedHashMap<>();

    void add(String name, double value, String unit) {
        add(name, value, unit, null, null);
    }

    /** A figure with a target: {@code atLeast} true for "≥", false for "≤". */
    void add(String name, double value, String unit, double target, boolean atLeast) {
        add(name, value, unit, (atLeast ? ">= " : "<= ") + format(target) + " " + unit,
                atLeast ? value >= target : value <= target);
    }

    /** A figure that has no value in this run (e.g. no step met the bound): {@code name=none unit (why)}, never met. */
    void none(String name, String unit, double target, boolean atLeast, String why) {
        figures.add(new Figure(name, Double.NaN, unit, (atLeast ? ">= " : "<= ") + format(target) + " " + unit, false));
        System.out.println(name + "=none " + unit + " (" + why + ")");
        System.out.flush();
    }

    /** A figure with no value and no target: {@code name=none unit (why)}. */
    void none(String name, String unit, String why) {
        figures.add(new Figure(name, Double.NaN, unit, null, null));
        System.out.println(name + "=none " + unit + " (" + why + ")");
        System.out.flush();
    }

    /** A wait of {@code figure} ran out of time: printed and recorded, whatever the figure does next. */
    void timedOut(String figure, String what, java.time.Duration timeout) {
        Map<String, Object> failure = new LinkedHashMap<>();
        failure.put("figure", figure);
        failure.put("kind", "timeout");
        failure.put("what", what);
        failure.put("timeoutSeconds", timeout.toSeconds());
        failures.add(failure);
        timedOut.put(figure + "_timed_out", true);
        System.out.println(figure + "_timed_out=true (" + what + "; waited " + timeout.toSeconds() + " s)");
        System.out.flush();
    }

    /** {@code figure} stopped with an exception: printed and recorded; the run goes on with the next figure. */
    void failed(String figure, Throwable error) {
        Map<String, Object> failure = new LinkedHashMap<>();
        failure.put("figure", figure);
        failure.put("kind", "error");
        failure.put("what", String.valueOf(error));
        failures.add(failure);
        System.out.println(figure + "_failed=" + error);
        System.out.flush();
    }

    private void add(String name, double value, String unit, String target, Boolean met) {
        Figure figure = new Figure(name, value, unit, target, met);
        figures.add(figure);
        System.out.println(name + "=" + format(value) + " " + unit);
        System.out.flush();
    }

    static String format(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return String.valueOf((long) value);
        }
        if (Math.abs(value) < 1) {
            return String.format(Locale.ROOT, "%.2g", value);
        }
        return String.format(Locale.ROOT, Math.abs(value) < 10 ? "%.3f" : "%.1f", value);
    }

    void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("run", run);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Figure f : figures) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", f.name());
            m.put("value", Double.isNaN(f.value()) ? null : f.value());
            m.put("unit", f.unit());
            if (f.target() != null) {
                m.put("target", f.target());
                m.put("met", f.met());
            }
            list.add(m);
        }
        json.put("figures", list);
        json.put("failures", failures);
        json.putAll(timedOut);
        json.put("details", details);
        Files.writeString(file, EventJson.write(json) + "\n");
    }

    /** Percentile (nearest rank) of a sorted array of values. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }
}
