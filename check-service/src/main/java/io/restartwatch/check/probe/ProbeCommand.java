package io.restartwatch.check.probe;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The one shell command run on a server (POSIX sh) and the parser of its {@code key=value} output. It reads
 * the sentinel and its mtime, the package list, the boot id, the running kernel and the installed kernels.
 * {@code RESTARTWATCH_ROOT}, when set on the server, prefixes every path (tests point it at a fake root).
 */
public final class ProbeCommand {

    private ProbeCommand() {
    }

    public static String script(ProbePaths paths) {
        return String.join("\n",
                "R=\"${RESTARTWATCH_ROOT:-}\"",
                "f=\"$R" + quoted(paths.sentinel()) + "\"",
                "p=\"$R" + quoted(paths.packages()) + "\"",
                "if [ -e \"$f\" ]; then echo required=1; echo \"since=$(stat -c %Y \"$f\" 2>/dev/null)\"; else echo required=0; fi",
                "if [ -e \"$f\" ] && [ -r \"$p\" ]; then sed 's/^/pkg=/' \"$p\"; fi",
                "echo \"boot_id=$(cat \"$R" + quoted(paths.bootId()) + "\" 2>/dev/null)\"",
                "if [ -n \"$R\" ] && [ -r \"$R/proc/sys/kernel/osrelease\" ]; then echo \"kernel=$(cat \"$R/proc/sys/kernel/osrelease\")\"; else echo \"kernel=$(uname -r)\"; fi",
                "for k in \"$R\"/boot/vmlinuz-*; do [ -e \"$k\" ] && echo \"installed=${k##*/vmlinuz-}\"; done",
                "echo end=1");
    }

    /** Parses the command's output; {@code end=1} proves it ran to the end. */
    public static ProbeResult parse(String output) {
        boolean required = false;
        boolean complete = false;
        Instant since = null;
        String bootId = null;
        String kernel = null;
        List<String> packages = new ArrayList<>();
        List<String> installed = new ArrayList<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1).trim();
            switch (key) {
                case "required" -> required = "1".equals(value);
                case "since" -> since = parseEpoch(value);
                case "pkg" -> packages.add(value);
                case "boot_id" -> bootId = value;
                case "kernel" -> kernel = value;
                case "installed" -> installed.add(value);
                case "end" -> complete = true;
                default -> { }
            }
        }
        if (!complete) {
            return ProbeResult.unreachable("INCOMPLETE_OUTPUT", "The probe command did not finish its output");
        }
        return ProbeReport.from(required, since, packages, bootId, kernel, installed);
    }

    private static Instant parseEpoch(String value) {
        try {
            return Instant.ofEpochSecond(Long.parseLong(value));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Paths come from configuration; keep them inside double quotes safely. */
    private static String quoted(String path) {
        return path.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "\\$").replace("`", "\\`");
    }
}
