package io.restartwatch.check.probe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.restartwatch.check.probe.FirewallRules.PortRule;

/**
 * Reads {@code nft -j list ruleset} (libnftables-json(5): an {@code "nftables"} array of {@code table},
 * {@code chain}, {@code set} and {@code rule} objects, each rule an {@code expr} list of statements such as
 * {@code {"match":{"op":"==","left":{"payload":{"protocol":"tcp","field":"dport"}},"right":22}}} and verdicts
 * {@code {"accept":null}}, {@code {"jump":{"target":"…"}}}).
 *
 * <p>Inbound is every base chain hooked on {@code input} and the chains it jumps or goes to. It is filtered when
 * such a chain's policy is {@code drop} or it ends in an unconditional {@code drop}/{@code reject} (firewalld's
 * style). Accept rules count with their {@code dport} (number, range, anonymous or named set) and
 * {@code saddr} (address, prefix, set); rules for established/related connections or the loopback interface
 * expose nothing new and are skipped; matches this reader does not know are ignored, so a rule counts as at
 * least as open as it is. Statements it cannot read are skipped, never fatal; output that is not nftables JSON is.
 */
public final class NftablesRuleset {

    private static final ObjectMapper JSON = new ObjectMapper();

    private NftablesRuleset() {
    }

    public static FirewallRules parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw malformed("not JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.path("nftables").isArray()) {
            throw malformed("no \"nftables\" array");
        }
        Map<String, List<JsonNode>> rulesByChain = new HashMap<>();
        Map<String, JsonNode> sets = new HashMap<>();
        List<JsonNode> inputChains = new ArrayList<>();
        for (JsonNode item : root.path("nftables")) {
            if (item.has("chain")) {
                JsonNode chain = item.get("chain");
                if ("input".equals(chain.path("hook").asText()) && "filter".equals(chain.path("type").asText("filter"))) {
                    inputChains.add(chain);
                }
            } else if (item.has("rule")) {
                JsonNode rule = item.get("rule");
                rulesByChain.computeIfAbsent(key(rule, rule.path("chain").asText()), k -> new ArrayList<>()).add(rule);
            } else if (item.has("set")) {
                JsonNode set = item.get("set");
                sets.put(key(set, set.path("name").asText()), set);
            }
        }
        boolean filtered = false;
        List<PortRule> accepts = new ArrayList<>();
        for (JsonNode chain : inputChains) {
            boolean dropsTheRest = "drop".equals(chain.path("policy").asText());
            String family = chain.path("family").asText();
            Walk walk = new Walk(family, chain.path("table").asText(), rulesByChain, sets, accepts);
            dropsTheRest |= walk.chain(chain.path("name").asText(), 0);
            filtered |= dropsTheRest;
        }
        return new FirewallRules("nftables", filtered, accepts);
    }

    private static String key(JsonNode node, String name) {
        return node.path("family").asText() + " " + node.path("table").asText() + " " + name;
    }

    static MalformedOutputException malformed(String detail) {
        return new MalformedOutputException("MALFORMED_OUTPUT", "nftables ruleset: " + detail);
    }

    /** One base chain's rules and the chains they jump to. */
    private static final class Walk {
        private final String family;
        private final String table;
        private final Map<String, List<JsonNode>> rulesByChain;
        private final Map<String, JsonNode> sets;
        private final List<PortRule> accepts;
        private final Set<String> visited = new HashSet<>();

        Walk(String family, String table, Map<String, List<JsonNode>> rulesByChain, Map<String, JsonNode> sets, List<PortRule> accepts) {
            this.family = family;
            this.table = table;
            this.rulesByChain = rulesByChain;
            this.sets = sets;
            this.accepts = accepts;
        }

        /** Reads a chain; true when it ends in an unconditional drop or reject. */
        boolean chain(String name, int depth) {
            if (depth > 16 || !visited.add(name)) {
                return false;
            }
            boolean dropsTheRest = false;
            for (JsonNode rule : rulesByChain.getOrDefault(family + " " + table + " " + name, List.of())) {
                Rule parsed = new Rule();
                for (JsonNode statement : rule.path("expr")) {
                    parsed.read(statement);
                }
                if (parsed.established || parsed.loopback || parsed.unreadable) {
                    continue;
                }
                switch (parsed.verdict == null ? "" : parsed.verdict) {
                    case "accept" -> accept(parsed);
                    case "drop", "reject" -> dropsTheRest |= parsed.unconditional();
                    case "jump", "goto" -> {
                        boolean targetDrops = chain(parsed.target, depth + 1);
                        dropsTheRest |= targetDrops && parsed.unconditional();
                    }
                    default -> { }
                }
            }
            return dropsTheRest;
        }

        private void accept(Rule rule) {
            List<String> sources = rule.sources != null ? rule.sources : anywhere();
            List<String> protocols = rule.protocol != null ? List.of(rule.protocol) : List.of("tcp", "udp");
            List<int[]> ports = rule.ports != null ? rule.ports : List.of(new int[] {1, 65535});
            for (String protocol : protocols) {
                for (int[] range : ports) {
                    accepts.add(new PortRule(protocol, range[0], range[1], sources));
                }
            }
        }

        private List<String> anywhere() {
            return switch (family) {
                case "ip" -> List.of("0.0.0.0/0");
                case "ip6" -> List.of("::/0");
                default -> List.of("0.0.0.0/0", "::/0");
            };
        }

        /** The statements of one rule that matter here. */
        private final class Rule {
            String verdict;
            String target;
            String protocol;
            List<int[]> ports;
            List<String> sources;
            boolean established;
            boolean loopback;
            boolean conditions;
            boolean unreadable;

            boolean unconditional() {
                return !conditions;
            }

            void read(JsonNode statement) {
                if (statement.has("match")) {
                    conditions = true;
                    match(statement.get("match"));
                } else if (statement.has("accept") || statement.has("drop") || statement.has("reject")) {
                    verdict = statement.fieldNames().next();
                } else if (statement.has("jump") || statement.has("goto")) {
                    verdict = statement.fieldNames().next();
                    target = statement.get(verdict).path("target").asText();
                }
                // counter, log, limit, comment…: no effect on what is accepted
            }

            private void match(JsonNode match) {
                String op = match.path("op").asText("==");
                JsonNode left = match.path("left");
                JsonNode right = match.path("right");
                if (left.has("ct") && "state".equals(left.get("ct").path("key").asText())) {
                    established = !op.equals("!=") && onlyEstablished(right);
                } else if (left.has("meta") && Set.of("iif", "iifname").contains(left.get("meta").path("key").asText())) {
                    loopback = "==".equals(op) && "lo".equals(right.asText());
                } else if (left.has("meta") && "l4proto".equals(left.get("meta").path("key").asText())) {
                    transport(op, right);
                } else if (left.has("payload") && Set.of("protocol", "nexthdr").contains(left.get("payload").path("field").asText())) {
                    transport(op, right); // ip protocol, ip6 nexthdr
                } else if (left.has("payload")) {
                    payload(left.get("payload"), op, right);
                }
            }

            /** A transport protocol match: tcp or udp narrows the rule; icmp and the like open no port at all. */
            private void transport(String op, JsonNode right) {
                if ("==".equals(op) && right.isTextual() && (right.asText().equals("tcp") || right.asText().equals("udp"))) {
                    protocol = right.asText();
                } else if ("==".equals(op)) {
                    unreadable = true;
                }
            }

            private void payload(JsonNode payload, String op, JsonNode right) {
                String proto = payload.path("protocol").asText();
                String field = payload.path("field").asText();
                if ("dport".equals(field) && "==".equals(op) && (proto.equals("tcp") || proto.equals("udp") || proto.equals("th"))) {
                    if (!proto.equals("th")) {
                        protocol = proto;
                    }
                    List<int[]> read = new ArrayList<>();
                    ports(right, read);
                    ports = read.isEmpty() ? null : read;
                    // A port match it cannot read: better no rule than "every port".
                    unreadable |= read.isEmpty();
                } else if ("saddr".equals(field) && "==".equals(op) && (proto.equals("ip") || proto.equals("ip6"))) {
                    List<String> read = new ArrayList<>();
                    addresses(right, proto.equals("ip6"), read);
                    if (!read.isEmpty()) {
                        sources = sources == null ? read : sources;
                    }
                }
            }

            private void ports(JsonNode right, List<int[]> out) {
                if (right.isInt()) {
                    if (FirewallRules.validRange(right.asInt(), right.asInt())) {
                        out.add(new int[] {right.asInt(), right.asInt()});
                    }
                } else if (right.has("range") && right.get("range").size() == 2) {
                    int from = Math.max(1, right.get("range").get(0).asInt(-1));
                    int to = right.get("range").get(1).asInt(-1);
                    if (FirewallRules.validRange(from, to)) {
                        out.add(new int[] {from, to});
                    }
                } else if (right.has("set") && right.get("set").isArray()) {
                    right.get("set").forEach(element -> ports(element, out));
                } else if (right.isTextual() && right.asText().startsWith("@")) {
                    JsonNode set = sets.get(family + " " + table + " " + right.asText().substring(1));
                    if (set != null) {
                        set.path("elem").forEach(element -> ports(element.has("elem") ? element.get("elem").path("val") : element, out));
                    }
                }
            }

            private void addresses(JsonNode right, boolean v6, List<String> out) {
                if (right.isTextual() && right.asText().startsWith("@")) {
                    JsonNode set = sets.get(family + " " + table + " " + right.asText().substring(1));
                    if (set != null) {
                        set.path("elem").forEach(element -> addresses(element.has("elem") ? element.get("elem").path("val") : element, v6, out));
                    }
                } else if (right.isTextual()) {
                    out.add(right.asText() + (v6 ? "/128" : "/32"));
                } else if (right.has("prefix")) {
                    out.add(right.get("prefix").path("addr").asText() + "/" + right.get("prefix").path("len").asInt());
                } else if (right.has("set") && right.get("set").isArray()) {
                    right.get("set").forEach(element -> addresses(element, v6, out));
                }
                // an address range ({"range":[a,b]}) is not a CIDR: left out
            }

            private boolean onlyEstablished(JsonNode right) {
                List<String> states = new ArrayList<>();
                if (right.isArray()) {
                    right.forEach(s -> states.add(s.asText()));
                } else if (right.has("set")) {
                    right.get("set").forEach(s -> states.add(s.asText()));
                } else {
                    states.add(right.asText());
                }
                return !states.isEmpty() && states.stream().allMatch(s -> s.equals("established") || s.equals("related"));
            }
        }
    }
}
