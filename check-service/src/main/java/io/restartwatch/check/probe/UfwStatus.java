package io.restartwatch.check.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.restartwatch.check.probe.FirewallRules.PortRule;

/**
 * Reads {@code ufw status verbose} (ufw(8); printed by ufw's {@code get_status()} in src/backend_iptables.py):
 * {@code Status: active}, {@code Default: deny (incoming), allow (outgoing), disabled (routed)}, then a table of
 * {@code To}, {@code Action}, {@code From} columns such as {@code 22/tcp  ALLOW IN  Anywhere},
 * {@code 80,443/tcp (v6)  ALLOW IN  Anywhere (v6)}, {@code 60000:61000/udp  ALLOW IN  10.0.0.0/8},
 * {@code 8080 on eth0  ALLOW IN  Anywhere}. {@code ALLOW IN} and {@code LIMIT IN} (rate-limited, still open)
 * rules count; {@code DENY}, {@code REJECT} and outgoing or routed rules do not. The usual application profiles
 * (OpenSSH, Nginx/Apache) are mapped to their ports; other profile names and lines it cannot read are skipped.
 * An inactive ufw is no firewall: {@link #parse} answers null.
 */
public final class UfwStatus {

    private static final Pattern RULE = Pattern.compile("^(.+?)\\s{2,}(ALLOW|LIMIT|DENY|REJECT)(?: (IN|OUT|FWD))?\\s{2,}(.+?)\\s*$");
    private static final Pattern PORTS = Pattern.compile("^([0-9][0-9,:]*)(?:/(tcp|udp))?$");
    private static final Map<String, String> PROFILES = Map.of(
            "OpenSSH", "22/tcp",
            "Nginx Full", "80,443/tcp", "Nginx HTTP", "80/tcp", "Nginx HTTPS", "443/tcp",
            "Apache Full", "80,443/tcp", "Apache", "80/tcp", "Apache Secure", "443/tcp");

    private UfwStatus() {
    }

    public static FirewallRules parse(String output) {
        boolean active = false;
        boolean filtered = false;
        boolean table = false;
        List<PortRule> accepts = new ArrayList<>();
        for (String raw : output.split("\n")) {
            String line = raw.stripTrailing();
            if (line.startsWith("Status:")) {
                active = line.substring("Status:".length()).trim().equals("active");
            } else if (line.startsWith("Default:")) {
                String incoming = line.substring("Default:".length()).split(",")[0].trim();
                filtered = incoming.startsWith("deny") || incoming.startsWith("reject");
            } else if (line.startsWith("--")) {
                table = true;
            } else if (table) {
                rule(line, accepts);
            }
        }
        return active ? new FirewallRules("ufw", filtered, accepts) : null;
    }

    private static void rule(String line, List<PortRule> accepts) {
        Matcher rule = RULE.matcher(line);
        if (!rule.matches()) {
            return;
        }
        String direction = rule.group(3) == null ? "IN" : rule.group(3);
        if (!(rule.group(2).equals("ALLOW") || rule.group(2).equals("LIMIT")) || !direction.equals("IN")) {
            return;
        }
        String to = rule.group(1).trim();
        boolean v6 = to.contains("(v6)");
        to = to.replace("(v6)", " ").replaceAll("\\s+on\\s+\\S+", " ").trim();
        String from = rule.group(4).replace("(v6)", " ").trim().split("\\s+")[0];
        String source = from.equals("Anywhere") ? (v6 ? "::/0" : "0.0.0.0/0") : from;
        if (!source.contains("/")) {
            source = source + (source.contains(":") ? "/128" : "/32");
        }
        // "To" may name a destination address before the ports ("10.0.0.5 22/tcp"); the ports come last.
        String[] words = to.split("\\s+");
        String ports = PROFILES.getOrDefault(to, words[words.length - 1]);
        if (ports.equals("Anywhere")) {
            ports = "1:65535"; // "ufw allow from 10.0.0.0/8": every port from there
        }
        Matcher spec = PORTS.matcher(ports);
        if (!spec.matches()) {
            return;
        }
        List<String> protocols = spec.group(2) != null ? List.of(spec.group(2)) : List.of("tcp", "udp");
        for (String part : spec.group(1).split(",")) {
            int[] range = FirewallRules.portRange(part);
            if (range == null) {
                continue;
            }
            for (String protocol : protocols) {
                accepts.add(new PortRule(protocol, range[0], range[1], List.of(source)));
            }
        }
    }
}
