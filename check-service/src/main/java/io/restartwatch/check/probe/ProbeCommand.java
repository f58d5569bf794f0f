package io.restartwatch.check.probe;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.restartwatch.contracts.DiscoveredExposure;
import io.restartwatch.contracts.ListeningSocket;
import io.restartwatch.contracts.Livepatch;

/**
 * The one shell command run on a server (POSIX sh) and the parser of its {@code key=value} output. It reads
 * the sentinel and its mtime, the package list, the boot id, the running kernel and the installed kernels; then,
 * each only where available and readable, {@code needrestart -b}, {@code dnf needs-restarting -r}/{@code -s},
 * the livepatch state, the listening sockets from procfs and the host firewall. A tool's output is embedded one
 * line per {@code key=line} (the key as prefix), so nothing it prints can pass for another key; the parsers in
 * this package read it in Java. {@code end=1} proves the command ran to the end.
 *
 * <p>{@code RESTARTWATCH_ROOT}, when set on the server, prefixes every path (tests point it at a fake root), and
 * tools are then looked up only in its {@code usr/sbin}, {@code usr/bin}, {@code sbin}, {@code bin}: a fake root
 * never runs the real host's firewall or package tools. Without it the tools are looked up on {@code PATH} and
 * the sbin directories; a tool missing or refused to a non-root user yields no data.
 *
 * <p>The firewall is read from ufw when it is active (the operator's own rules, clearer than the iptables
 * chains ufw generates), else from {@code nft -j list ruleset} when it has an input chain, else from
 * {@code iptables-save} and {@code ip6tables-save}.
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
                "if [ -n \"$R\" ]; then T=\"$R/usr/sbin:$R/usr/bin:$R/sbin:$R/bin\"; else T=\"$PATH:/usr/local/sbin:/usr/sbin:/sbin\"; fi",
                // t NAME: sets x to the tool's path when there is one.
                "t() { o=$IFS; IFS=:; for d in $T; do if [ -f \"$d/$1\" ] && [ -x \"$d/$1\" ]; then IFS=$o; x=\"$d/$1\"; return 0; fi; done; IFS=$o; return 1; }",
                "if t needrestart; then \"$x\" -b 2>/dev/null </dev/null | sed 's/^/nr=/'; fi",
                "if t dnf; then n=\"$x -C --disablerepo=* needs-restarting\"; elif t needs-restarting; then n=\"$x\"; else n=; fi",
                "if [ -n \"$n\" ]; then o=$($n -r 2>/dev/null </dev/null); echo \"nrr=$?\"; printf '%s\\n' \"$o\" | sed 's/^/nrro=/'; $n -s 2>/dev/null </dev/null | sed 's/^/nrs=/'; fi",
                "if t canonical-livepatch; then echo lp_tool=canonical-livepatch; \"$x\" status 2>/dev/null </dev/null | sed 's/^/lp=/';"
                        + " elif t kpatch; then echo lp_tool=kpatch; \"$x\" list 2>/dev/null </dev/null | sed 's/^/lp=/'; fi",
                "if [ -r \"$R/proc/net/tcp\" ] && command -v awk >/dev/null 2>&1; then echo sockets=1; for s in tcp tcp6 udp udp6; do"
                        + " [ -r \"$R/proc/net/$s\" ] && awk -v s=\"$s\" 'NR > 1 && (s ~ /^tcp/ ? $4 == \"0A\" : $3 ~ /^0+:0000$/) && !seen[$2]++ { print \"sock=\" s \" \" $2 }' \"$R/proc/net/$s\"; done; fi",
                "if t ufw && o=$(\"$x\" status verbose 2>/dev/null </dev/null) && [ \"${o#Status: active}\" != \"$o\" ]; then echo fw_tool=ufw; printf '%s\\n' \"$o\" | sed 's/^/fw=/';"
                        + " elif t nft && o=$(\"$x\" -j list ruleset 2>/dev/null </dev/null) && case \"$o\" in *'\"hook\": \"input\"'* | *'\"hook\":\"input\"'*) true ;; *) false ;; esac;"
                        + " then echo fw_tool=nftables; printf '%s\\n' \"$o\" | sed 's/^/fw=/';"
                        + " elif t iptables-save && o=$(\"$x\" -t filter 2>/dev/null </dev/null) && [ -n \"$o\" ]; then echo fw_tool=iptables; printf '%s\\n' \"$o\" | sed 's/^/fw4=/';"
                        + " if t ip6tables-save && o=$(\"$x\" -t filter 2>/dev/null </dev/null); then printf '%s\\n' \"$o\" | sed 's/^/fw6=/'; fi; fi",
                "echo end=1");
    }

    /** Parses the command's output; {@code end=1} proves it ran to the end. */
    public static ProbeResult parse(String output) {
        boolean required = false;
        boolean complete = false;
        Instant since = null;
        String bootId = null;
        String kernel = null;
        Integer needsRestartingExit = null;
        String livepatchTool = null;
        String firewallTool = null;
        boolean socketsRead = false;
        List<String> packages = new ArrayList<>();
        List<String> installed = new ArrayList<>();
        Map<String, List<String>> lines = new HashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = line.substring(0, eq);
            String raw = line.substring(eq + 1);
            String value = raw.trim();
            switch (key) {
                case "required" -> required = "1".equals(value);
                case "since" -> since = parseEpoch(value);
                case "pkg" -> packages.add(value);
                case "boot_id" -> bootId = value;
                case "kernel" -> kernel = value;
                case "installed" -> installed.add(value);
                case "nrr" -> needsRestartingExit = value.matches("\\d{1,3}") ? Integer.valueOf(value) : null;
                case "lp_tool" -> livepatchTool = value;
                case "fw_tool" -> firewallTool = value;
                case "sockets" -> socketsRead = true;
                case "nr", "nrro", "nrs", "lp", "sock", "fw", "fw4", "fw6" -> lines.computeIfAbsent(key, k -> new ArrayList<>()).add(raw);
                case "end" -> complete = true;
                default -> { }
            }
        }
        if (!complete) {
            return ProbeResult.unreachable("INCOMPLETE_OUTPUT", "The probe command did not finish its output");
        }
        HostFacts facts;
        try {
            facts = facts(lines, needsRestartingExit, livepatchTool, firewallTool, socketsRead);
        } catch (MalformedOutputException e) {
            return ProbeResult.unreachable(e.reason(), e.getMessage());
        }
        return ProbeReport.from(required, since, packages, bootId, kernel, installed, facts);
    }

    /** Why output that outgrew {@link ProbeReport#MAX_OUTPUT_BYTES} did: the section it was in when it was cut. */
    public static String overflowReason(String truncated) {
        int lastLine = truncated.lastIndexOf('\n', truncated.length() - 2);
        String last = truncated.substring(lastLine + 1);
        if (last.startsWith("fw=") || last.startsWith("fw4=") || last.startsWith("fw6=")) {
            return "FIREWALL_TOO_LARGE";
        }
        return last.startsWith("sock=") ? "TOO_MANY_SOCKETS" : "OUTPUT_TOO_LARGE";
    }

    private static HostFacts facts(Map<String, List<String>> lines, Integer needsRestartingExit, String livepatchTool,
                                   String firewallTool, boolean socketsRead) {
        List<String> nr = lines.getOrDefault("nr", List.of());
        NeedrestartBatch needrestart = nr.isEmpty() ? null : NeedrestartBatch.parse(nr);
        NeedsRestarting needsRestarting = needsRestartingExit == null ? null
                : NeedsRestarting.parse(needsRestartingExit, lines.getOrDefault("nrro", List.of()), lines.getOrDefault("nrs", List.of()));
        Livepatch livepatch = null;
        if ("canonical-livepatch".equals(livepatchTool)) {
            livepatch = LivepatchStatus.canonical(lines.getOrDefault("lp", List.of()));
        } else if ("kpatch".equals(livepatchTool)) {
            livepatch = LivepatchStatus.kpatch(lines.getOrDefault("lp", List.of()));
        }
        List<ListeningSocket> listening = null;
        if (socketsRead) {
            List<String> sockets = lines.getOrDefault("sock", List.of());
            if (sockets.size() > 4 * DiscoveredExposure.MAX_SOCKETS) {
                throw new MalformedOutputException("TOO_MANY_SOCKETS", "The server lists " + sockets.size()
                        + " listening sockets; the cap is " + DiscoveredExposure.MAX_SOCKETS);
            }
            listening = new ArrayList<>();
            for (String socket : sockets) {
                String[] parts = socket.trim().split(" ");
                if (parts.length != 2) {
                    throw ProcNetListeners.malformed("'" + ProcNetListeners.printable(socket) + "' is not a socket");
                }
                listening.add(ProcNetListeners.decode(parts[0], parts[1]));
            }
        }
        FirewallRules firewall = firewallTool == null ? null : Firewalls.parse(firewallTool,
                lines.get("fw"), lines.get("fw4"), lines.get("fw6"));
        return new HostFacts(needrestart, needsRestarting, livepatch, listening, firewall);
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
