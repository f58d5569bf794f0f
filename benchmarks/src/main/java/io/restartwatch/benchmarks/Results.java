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

/** Figures as {@code name=value unit} lines, and {@code results.json}. */
final class Results {

    record Figure(String name, double value, String unit, String target, Boolean met) {
    }

    final Map<String, Object> run = new LinkedHashMap<>();
    final List<Figure> figures = new ArrayList<>();
    final Map<String, Object> details = new LinkedHashMap<>();

    void add(String name, double value, String unit) {
        add(name, value, unit, null, null);
    }

    /** A figure with a target: {@code atLeast} true for "≥", false for "≤". */
    void add(String name, double value, String unit, double target, boolean atLeast) {
        add(name, value, unit, (atLeast ? ">= " : "<= ") + format(target) + " " + unit,
                atLeast ? value >= target : value <= target);
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
