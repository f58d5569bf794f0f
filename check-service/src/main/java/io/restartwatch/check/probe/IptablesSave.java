package io.restartwatch.check.probe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.restartwatch.check.probe.FirewallRules.PortRule;

/**
 * Reads {@code iptables-save} and {@code ip6tables-save} (iptables-save(8); the format iptables-restore(8)
 * reads): {@code *filter} starts the table, {@code :INPUT DROP [0:0]} gives a built-in chain's policy,
 * {@code -A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 22 -j ACCEPT} appends a rule, {@code COMMIT} ends it.
 *
 * <p>Inbound is the filter table's INPUT chain and the user chains it jumps to. Understood: {@code -s},
 * {@code -p}, {@code --dport} / {@code --dports} (multiport lists and {@code a:b} ranges), {@code -i lo},
 * {@code --ctstate}/{@code --state RELATED,ESTABLISHED}, {@code !} negations (the rule is then left out when it
 * negates a port, and counts as from anywhere when it negates the source), {@code -j}/{@code -g}. Other
 * options are ignored; a line it cannot split is skipped.
 */
public final class IptablesSave {

    private IptablesSave() {
    }

    /** Either output may be null (the tool is missing); both null is no firewall. */
    public static FirewallRules parse(String ipv4, String ipv6) {
        List<PortRule> accepts = new ArrayList<>();
        boolean filtered = false;
        if (ipv4 != null) {
            filtered |= read(ipv4, "0.0.0.0/0", accepts);
        }
        if (ipv6 != null) {
            filtered |= read(ipv6, "::/0", accepts);
        }
        return new FirewallRules("iptables", filtered, accepts);
    }

    private static boolean read(String output, String anywhere, List<PortRule> accepts) {
        Map<String, String> policies = new HashMap<>();
        Map<String, List<List<String>>> rules = new HashMap<>();
        boolean inFilter = false;
        for (String raw : output.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("*")) {
                inFilter = line.equals("*filter");
            } else if (!inFilter || line.isEmpty() || line.startsWith("#")) {
                continue;
            } else if (line.startsWith(":")) {
                String[] parts = line.substring(1).split("\\s+");
                if (parts.length >= 2) {
                    policies.put(parts[0], parts[1]);
                }
            } else if (line.startsWith("-A ")) {
                List<String> words = words(line);
                if (words != null && words.size() >= 2) {
                    rules.computeIfAbsent(words.get(1), k -> new ArrayList<>()).add(words.subList(2, words.size()));
                }
            }
        }
        if (!policies.containsKey("INPUT") && !rules.containsKey("INPUT")) {
            return false;
        }
        String policy = policies.get("INPUT");
        boolean dropsTheRest = "DROP".equals(policy) || "REJECT".equals(policy);
        return chain("INPUT", rules, anywhere, accepts, new HashSet<>(), 0) | dropsTheRest;
    }

    /** Reads a chain; true when it ends in an unconditional DROP or REJECT. */
    private static boolean chain(String name, Map<String, List<List<String>>> rules, String anywhere, List<PortRule> accepts,
                                 Set<String> visited, int depth) {
        if (depth > 16 || !visited.add(name)) {
            return false;
        }
        boolean dropsTheRest = false;
        for (List<String> words : rules.getOrDefault(name, List.of())) {
            Rule rule = Rule.of(words);
            if (rule.skip) {
                continue;
            }
            String target = rule.target == null ? "" : rule.target;
            switch (target) {
                case "ACCEPT" -> rule.accept(anywhere, accepts);
                case "DROP", "REJECT" -> dropsTheRest |= rule.unconditional;
                case "", "RETURN", "LOG", "NFLOG", "MARK", "CONNMARK" -> { }
                default -> {
                    boolean targetDrops = chain(target, rules, anywhere, accepts, visited, depth + 1);
                    dropsTheRest |= targetDrops && rule.unconditional;
                }
            }
        }
        return dropsTheRest;
    }

    /** Splits a rule line into words; double-quoted words (comments) may hold spaces and \" escapes. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
            } else if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (!quoted && Character.isWhitespace(c)) {
                if (any) {
                    words.add(word.toString());
                    word.setLength(0);
                    any = false;
                }
            } else {
                word.append(c);
                any = true;
            }
        }
        if (quoted) {
            return null;
        }
        if (any) {
            words.add(word.toString());
        }
        return words;
    }

    private static final class Rule {
        String target;
        String protocol;
        List<int[]> ports;
        List<String> sources;
        boolean unconditional = true;
        boolean skip;

        static Rule of(List<String> words) {
            Rule rule = new Rule();
            boolean negate = false;
            for (int i = 0; i < words.size(); i++) {
                String word = words.get(i);
                String value = i + 1 < words.size() ? words.get(i + 1) : "";
                switch (word) {
                    case "!" -> {
                        negate = true;
                        continue;
                    }
                    case "-j", "--jump", "-g", "--goto" -> {
                        rule.target = value;
                        i++;
                    }
                    case "-s", "--source", "--src" -> {
                        rule.unconditional = false;
                        if (!negate) {
                            rule.sources = List.of(value.split(","));
                        }
                        i++;
                    }
                    case "-p", "--protocol" -> {
                        rule.unconditional = false;
                        if (!negate && (value.equals("tcp") || value.equals("udp"))) {
                            rule.protocol = value;
                        } else if (!negate && !value.equals("all")) {
                            rule.skip = true; // icmp and friends open no port
                        }
                        i++;
                    }
                    case "--dport", "--destination-port", "--dports", "--destination-ports" -> {
                        rule.unconditional = false;
                        List<int[]> ranges = new ArrayList<>();
                        for (String part : value.split(",")) {
                            int[] range = FirewallRules.portRange(part);
                            if (range != null) {
                                ranges.add(range);
                            }
                        }
                        rule.skip |= negate || ranges.isEmpty();
                        rule.ports = ranges;
                        i++;
                    }
                    case "-i", "--in-interface" -> {
                        rule.unconditional = false;
                        rule.skip |= !negate && value.equals("lo");
                        i++;
                    }
                    case "--ctstate", "--state" -> {
                        rule.unconditional = false;
                        rule.skip |= !negate && java.util.Arrays.stream(value.split(","))
                                .allMatch(s -> s.equals("RELATED") || s.equals("ESTABLISHED"));
                        i++;
                    }
                    case "-m", "--match" -> i++;
                    default -> {
                        if (word.startsWith("-") && !word.equals("-A")) {
                            rule.unconditional = false; // another match: the rule no longer applies to everything
                        }
                    }
                }
                negate = false;
            }
            return rule;
        }

        void accept(String anywhere, List<PortRule> accepts) {
            List<String> from = sources != null ? sources : List.of(anywhere);
            List<String> protocols = protocol != null ? List.of(protocol) : List.of("tcp", "udp");
            List<int[]> ranges = ports != null ? ports : List.of(new int[] {1, 65535});
            for (String proto : protocols) {
                for (int[] range : ranges) {
                    accepts.add(new PortRule(proto, range[0], range[1], from));
                }
            }
        }
    }
}
