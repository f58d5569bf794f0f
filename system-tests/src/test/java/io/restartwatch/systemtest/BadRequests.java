package io.restartwatch.systemtest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Bad requests generated from a service's OpenAPI document: for every operation, path parameters and query values
 * that break the documented schema (pattern, enum, format, range), request bodies that are malformed, oversized, of
 * the wrong type, missing required fields or breaking one field's constraints, wrong content types and methods, and
 * the operation without or with bogus credentials. Each request is kept once, by what makes it a distinct input.
 */
final class BadRequests {

    /** The OpenAPI security scheme of the operator API keys (service-support's quarkus.smallrye-openapi.security-scheme-name). */
    private static final String OPERATOR_SCHEME = "bearer";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** What the answer must be, besides never 2xx and never 5xx. */
    enum Expect {
        /** Valid credentials: the input must reach validation (not 401, and not 429 before it is read). */
        PAST_AUTHENTICATION,
        /** No or bogus credentials on an operation that needs them: 401. */
        UNAUTHENTICATED,
        /** An endpoint with credentials of its own (agent token, pipeline token, webhook secret): any 4xx. */
        ANY_4XX
    }

    /**
     * One request as it goes on the wire. {@code credential} names the kind of valid credential sent (e.g. "admin"),
     * so that the same input with another token of the same kind is not counted twice; {@code httpLayer} marks a
     * request line the HTTP decoder itself rejects (see {@link BadInputCorpusIT}).
     */
    record BadRequest(String service, String what, byte[] requestLine, Map<String, String> headers, String credential, byte[] body,
                      Expect expect, boolean httpLayer) {

        String distinctKey() {
            StringBuilder key = new StringBuilder(service).append('\n').append(HexFormat.of().formatHex(requestLine)).append('\n');
            headers.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(header -> key.append(header.getKey().toLowerCase(Locale.ROOT))
                    .append(": ").append(header.getKey().equalsIgnoreCase("Authorization") && credential != null ? credential : header.getValue())
                    .append('\n'));
            return key.append(body == null ? "-" : sha256(body)).toString();
        }

        String describe() {
            String line = new String(requestLine, StandardCharsets.ISO_8859_1);
            return service + " " + (line.length() > 160 ? line.substring(0, 160) + "…" : line) + " [" + what + "]";
        }
    }

    /** Values no id of ours may take: each is used where it breaks the parameter's documented pattern or format. */
    static final List<String> BAD_IDS = List.of("'; DROP TABLE server; --", "<script>alert(1)</script>", "../../etc/passwd",
            "..%2F..%2Fetc%2Fpasswd", "Ω≈ç√∫ü", "nul\u0000byte", "tab\tand\nnewline", "x".repeat(5000), "UPPER", " ", "😀", "%00",
            "1 OR 1=1", "${jndi:ldap://x/a}", "{{7*7}}", "-leading-dash", "a".repeat(64), "a/b", "a\\b", "\u202eevil",
            "%252e%252e%252f", "x;y=z", "%", "null");

    static final List<String> BAD_BODIES = List.of("", "{", "[]", "null", "\"text\"", "{\"id\":", "{\"id\":123,\"hostname\":[]}",
            "{\"applicationId\":{\"$ne\":null}}", "\u0000\u0001\u0002", "{\"id\":\"x\"}}}}", "[".repeat(5000) + "]".repeat(5000),
            "{\"note\":\"" + "é".repeat(40_000) + "\"}", "{\"a\":\"\\ud800\"}", "<xml>not json</xml>", "{\"id\":\"<img src=x onerror=alert(1)>\"}",
            "{\"staleAfter\":\"P-1D\",\"criticalAfter\":\"forever\"}", "{\"until\":\"yesterday\"}", "{\"url\":\"file:///etc/passwd\"}",
            "{\"id\":\"" + "a".repeat(70_000) + "\"}", "{'single':'quotes'}", "{\"a\":1,}", "{\"a\":NaN}", "{\"a\":01}",
            "{\"a\":\"\\x41\"}", "{" + "\"k\":{".repeat(3000) + "}".repeat(3001), "true", "42", "{\"a\":1} trailing", "/* c */ {}");

    static final List<String> WRONG_CONTENT_TYPES = List.of("text/plain", "application/xml", "multipart/form-data; boundary=x",
            "application/x-www-form-urlencoded", "application/octet-stream", "text/json-ish", "image/png");

    /** Credential headers that authenticate nobody. */
    static final List<Map.Entry<String, String>> BAD_AUTH = List.of(
            Map.entry("Authorization", "Bearer"), Map.entry("Authorization", "Bearer x"), Map.entry("Authorization", "Basic YWRtaW46YWRtaW4="),
            Map.entry("Authorization", "Bearer " + "A".repeat(8000)), Map.entry("Authorization", "Bearer rwk_' OR '1'='1"),
            Map.entry("Authorization", "Bearer rwk_" + "A".repeat(43)), Map.entry("Cookie", "restartwatch_key=rwk_%00"),
            Map.entry("Authorization", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9."), Map.entry("Authorization", "bearer  rwk_x"),
            Map.entry("Authorization", "Negotiate YII="));

    private final String service;
    private final JsonNode document;
    private final Function<String, String> credentialFor;
    private final Map<String, BadRequest> requests;

    /**
     * @param credentialFor an operation path → the Authorization value that gets past authentication there, or null
     * @param requests      where the distinct requests go, by {@link BadRequest#distinctKey()}
     */
    BadRequests(String service, JsonNode document, Function<String, String> credentialFor, Map<String, BadRequest> requests) {
        this.service = service;
        this.document = document;
        this.credentialFor = credentialFor;
        this.requests = requests;
    }

    /** How many operations the document has; every one gets bad requests. */
    int generate() {
        int operations = 0;
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").properties().iterator(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            List<String> defined = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().properties().iterator(); methods.hasNext(); ) {
                Map.Entry<String, JsonNode> method = methods.next();
                if (List.of("get", "put", "post", "delete", "patch").contains(method.getKey())) {
                    defined.add(method.getKey().toUpperCase(Locale.ROOT));
                    operation(path.getKey(), method.getKey().toUpperCase(Locale.ROOT), method.getValue());
                    operations++;
                }
            }
            for (String method : List.of("GET", "PUT", "POST", "DELETE", "PATCH")) {
                if (!defined.contains(method)) {
                    String target = target(path.getKey(), Map.of(), null, null);
                    add(path.getKey(), "method not allowed", method, target, authenticated(path.getKey(), Map.of()), null,
                            credentialFor.apply(path.getKey()) == null ? Expect.ANY_4XX : Expect.PAST_AUTHENTICATION);
                }
            }
        }
        return operations;
    }

    private void operation(String path, String method, JsonNode operation) {
        // Operator API keys (the "bearer" scheme) are checked before anything else: no or bogus ones get 401. Agent
        // tokens, pipeline tokens and webhook signatures are the operation's own credentials, checked against what the
        // request names (its server, its pipeline, the payload's repository), so a bad request may be refused first.
        boolean secured = false;
        for (JsonNode requirement : operation.path("security")) {
            secured |= requirement.has(OPERATOR_SCHEME);
        }
        boolean stream = path.endsWith("/stream");
        String credential = credentialFor.apply(path);
        // An agent token is valid for its own server only: a request naming another (or a malformed) server is rightly 401.
        Expect expect = credential == null || path.startsWith("/api/agent/") ? Expect.ANY_4XX : Expect.PAST_AUTHENTICATION;
        List<JsonNode> parameters = new ArrayList<>();
        operation.path("parameters").forEach(parameters::add);
        JsonNode bodySchema = operation.path("requestBody").path("content").path("application/json").path("schema");
        String validBody = bodySchema.isMissingNode() ? null : write(valid(bodySchema, 0));

        // Credentials: none, and ones that authenticate nobody (on every operation, the streams included).
        Map<String, String> none = new LinkedHashMap<>();
        jsonContent(none, validBody);
        String baseTarget = target(path, Map.of(), null, null);
        add(path, "no credentials", method, baseTarget, none, validBody, secured ? Expect.UNAUTHENTICATED : Expect.ANY_4XX);
        for (Map.Entry<String, String> bad : BAD_AUTH) {
            Map<String, String> headers = new LinkedHashMap<>(none);
            headers.put(bad.getKey(), bad.getValue());
            add(path, "bogus credentials", method, baseTarget, headers, validBody, secured ? Expect.UNAUTHENTICATED : Expect.ANY_4XX);
        }
        if (credential == null && !secured) {
            return; // an endpoint whose own credential this run does not have: only the credential cases above
        }
        Map<String, String> auth = authenticated(path, Map.of());
        // Path parameters that break their pattern or format.
        for (JsonNode parameter : parameters) {
            if (!parameter.path("in").asText().equals("path")) {
                continue;
            }
            JsonNode schema = resolve(parameter.path("schema"));
            for (String bad : badStrings(schema)) {
                Map<String, String> headers = new LinkedHashMap<>(auth);
                jsonContent(headers, validBody);
                add(path, "bad path parameter " + parameter.path("name").asText(), method,
                        target(path, Map.of(parameter.path("name").asText(), bad), null, null), headers, validBody, expect);
            }
        }
        if (stream) {
            return; // a valid stream request streams: only bad ids and credentials above
        }
        // Query values that break their schema, one parameter at a time.
        for (JsonNode parameter : parameters) {
            String name = parameter.path("name").asText();
            String in = parameter.path("in").asText();
            JsonNode schema = resolve(parameter.path("schema"));
            if (in.equals("query")) {
                JsonNode single = schema.path("type").asText().equals("array") ? resolve(schema.path("items")) : schema;
                for (String bad : badStrings(single)) {
                    Map<String, String> headers = new LinkedHashMap<>(auth);
                    jsonContent(headers, validBody);
                    add(path, "bad query " + name, method, target(path, Map.of(), name, bad), headers, validBody, expect);
                }
            }
        }
        // Wrong Accept: every operation answers JSON (or nothing).
        for (String accept : List.of("application/xml", "text/csv", "image/png")) {
            Map<String, String> headers = new LinkedHashMap<>(auth);
            jsonContent(headers, validBody);
            headers.put("Accept", accept);
            add(path, "not acceptable", method, baseTarget, headers, validBody, expect);
        }
        if (validBody == null) {
            return;
        }
        // Bodies: malformed ones, wrong content types, and the valid body broken one field at a time.
        for (String bad : BAD_BODIES) {
            if (breaks(bad, resolve(bodySchema))) {
                add(path, "malformed body", method, baseTarget, json(auth), bad, expect);
            }
        }
        for (String type : WRONG_CONTENT_TYPES) {
            Map<String, String> headers = new LinkedHashMap<>(auth);
            headers.put("Content-Type", type);
            add(path, "wrong content type", method, baseTarget, headers, validBody, expect);
        }
        JsonNode valid = valid(bodySchema, 0);
        for (Map.Entry<String, JsonNode> broken : brokenBodies(resolve(bodySchema), valid, "", 0).entrySet()) {
            add(path, "body " + broken.getKey(), method, baseTarget, json(auth), write(broken.getValue()), expect);
        }
    }

    /**
     * Path segments written literally on the request line, where the last path parameter goes: traversal the way an
     * attacker sends it ({@code ../} unencoded, {@code %2e%2e/}, overlong UTF-8), control characters, raw non-ASCII
     * bytes, malformed percent-encodings and characters RFC 3986 does not allow in a target.
     */
    static final List<byte[]> RAW_SEGMENTS = java.util.stream.Stream.of("../../etc/passwd", "../../../../../../etc/shadow",
                    "%2e%2e/%2e%2e/etc/passwd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "..%2f..%2fetc%2fpasswd", ".%2e/.%2e/etc/passwd",
                    "..;/..;/etc/passwd", "%252e%252e%252fetc%252fpasswd", "..\\..\\windows\\win.ini", "%c0%ae%c0%ae/etc/passwd",
                    "\u00c0\u00ae\u00c0\u00ae/etc/passwd", "a\u0000b", "a\u0001b", "a\u001fb", "a\u007fb", "a\tb", "a b", "a\rb",
                    "\u00ff\u00fe", "\u00c3\u00a9t\u00c3\u00a9", "%zz", "%", "%2", "%u002e", "a\"b", "a<b>", "a{b}", "a|b", "a^b", "a`b",
                    "..%00/etc/passwd", "....//....//etc/passwd")
            .map(segment -> segment.getBytes(StandardCharsets.ISO_8859_1)).toList();

    /**
     * Raw request lines for every path with a path parameter (its first method, GET if it has one), and a few per
     * service that break the request line's own grammar.
     */
    void rawLines() {
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").properties().iterator(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            String template = path.getKey();
            int parameter = template.lastIndexOf('{');
            if (parameter < 0) {
                continue;
            }
            String method = path.getValue().has("get") ? "GET" : path.getValue().fieldNames().next().toUpperCase(Locale.ROOT);
            String filled = target(template, Map.of(), null, null);
            String before = target(template.substring(0, parameter) + "RAW" + template.substring(template.indexOf('}', parameter) + 1),
                    Map.of(), null, null);
            String prefix = before.substring(0, before.indexOf("RAW"));
            String suffix = before.substring(before.indexOf("RAW") + 3);
            for (byte[] segment : RAW_SEGMENTS) {
                byte[] line = concat((method + " " + prefix).getBytes(StandardCharsets.ISO_8859_1), segment,
                        (suffix + " HTTP/1.1").getBytes(StandardCharsets.ISO_8859_1));
                raw(template, "raw segment", line);
            }
            raw(template, "raw query", (method + " " + filled + "?x=%zz HTTP/1.1").getBytes(StandardCharsets.ISO_8859_1));
            raw(template, "raw query", concat((method + " " + filled + "?x=").getBytes(StandardCharsets.ISO_8859_1),
                    new byte[] {'a', 0x01, 'b'}, " HTTP/1.1".getBytes(StandardCharsets.ISO_8859_1)));
        }
        for (String line : List.of("GET api/servers HTTP/1.1", "GET * HTTP/1.1", "GET /api/servers", "GET /api/servers HTTP/1.1 extra", "get /api/servers HTTP/1.1", "GET http://127.0.0.1/../../etc/passwd HTTP/1.1",
                "GET /../../etc/passwd HTTP/1.1", "GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1", "GET /api/../../.local/admin-key HTTP/1.1",
                "GET /q/../../../etc/passwd HTTP/1.1", "GET /api/%2e%2e/%2e%2e/%2e%2e/etc/passwd HTTP/1.1", "GET /\u0000 HTTP/1.1",
                "G\u0000ET /api/servers HTTP/1.1", "GET /api/servers HTTP/1.1\u0000", "GET /api/servers\u00ff HTTP/1.1",
                "GET /api/servers HTTP/1.x", "GET /api/servers/../../../../etc/passwd%00.json HTTP/1.1", "GET /api/serv%zzers HTTP/1.1",
                "GET \\api\\servers HTTP/1.1", "GET /api/servers?%zz=1 HTTP/1.1", "GET /api/servers?a=%G0 HTTP/1.1")) {
            raw("/api/servers", "raw request line", line.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private void raw(String path, String what, byte[] line) {
        BadRequest request = new BadRequest(service, what, line, authenticated(path, Map.of()), "valid credential", null, Expect.ANY_4XX,
                !validRequestLine(line));
        requests.putIfAbsent(request.distinctKey(), request);
    }

    /**
     * RFC 9112's {@code method SP request-target SP HTTP-version}, the target made of RFC 3986 characters and
     * well-formed percent-encodings ({@code %} and two hex digits) only. A line
     * that is not may be refused by the HTTP decoder itself, before any code of ours can answer.
     */
    static boolean validRequestLine(byte[] line) {
        String text = new String(line, StandardCharsets.ISO_8859_1);
        String[] parts = text.split(" ", -1);
        return parts.length == 3 && parts[0].matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+") && parts[2].equals("HTTP/1.1")
                && parts[1].matches("([A-Za-z0-9\\-._~:/?#\\[\\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+");
    }

    /** The body limit every service has (quarkus.http.limits.max-body-size): past it, any body is refused. */
    private static final int MAX_BODY_BYTES = 65_536;

    /**
     * Whether a generic bad body is certainly bad for this operation: not JSON, too large, of another type than the
     * schema's, an object with a field the schema does not have (the services reject unknown fields:
     * quarkus.jackson.fail-on-unknown-properties) or without one of its required fields. A JSON object of known fields
     * only, none missing, may be valid: it is left to the field-by-field variants.
     */
    private static boolean breaks(String body, JsonNode schema) {
        if (body.getBytes(StandardCharsets.UTF_8).length > MAX_BODY_BYTES) {
            return true;
        }
        if (body.isBlank() || body.equals("null")) {
            // No body: plan-service's preview and create read it as "every pending reboot" (PlanRequest.orAll).
            return schema.path("required").size() > 0;
        }
        JsonNode parsed;
        try {
            parsed = JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException malformed) {
            return true;
        }
        if (parsed == null || !parsed.isObject()) {
            return parsed == null || !schema.path("type").asText("object").equals(parsed.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        for (Iterator<String> fields = parsed.fieldNames(); fields.hasNext(); ) {
            if (!schema.path("properties").has(fields.next())) {
                return true;
            }
        }
        for (JsonNode required : schema.path("required")) {
            if (!parsed.has(required.asText())) {
                return true;
            }
        }
        return false;
    }

    /** The valid value broken at one place each: keyed by where and how. */
    private Map<String, JsonNode> brokenBodies(JsonNode schema, JsonNode valid, String at, int depth) {
        Map<String, JsonNode> broken = new LinkedHashMap<>();
        for (JsonNode bad : badValues(schema)) {
            broken.put(at + " = " + abbreviate(write(bad)), bad);
        }
        if (depth > 3) {
            return broken;
        }
        if (valid instanceof ObjectNode object && schema.has("properties")) {
            List<String> required = new ArrayList<>();
            schema.path("required").forEach(name -> required.add(name.asText()));
            for (Iterator<Map.Entry<String, JsonNode>> properties = schema.path("properties").properties().iterator(); properties.hasNext(); ) {
                Map.Entry<String, JsonNode> property = properties.next();
                String name = property.getKey();
                String where = at.isEmpty() ? name : at + "." + name;
                if (required.contains(name)) {
                    ObjectNode without = object.deepCopy();
                    without.remove(name);
                    broken.put(where + " missing", without);
                    ObjectNode nulled = object.deepCopy();
                    nulled.putNull(name);
                    broken.put(where + " = null", nulled);
                }
                JsonNode inner = object.get(name);
                if (inner == null) {
                    continue;
                }
                brokenBodies(resolve(property.getValue()), inner, where, depth + 1).forEach((how, value) -> {
                    ObjectNode copy = object.deepCopy();
                    copy.set(name, value);
                    broken.put(how, copy);
                });
            }
        } else if (valid instanceof ArrayNode array && !array.isEmpty() && schema.has("items")) {
            brokenBodies(resolve(schema.path("items")), array.get(0), at + "[0]", depth + 1).forEach((how, value) -> {
                ArrayNode copy = array.deepCopy();
                copy.set(0, value);
                broken.put(how, copy);
            });
        }
        return broken;
    }

    /** JSON values that break {@code schema}: of a type Jackson will not coerce, or outside its constraints. */
    private List<JsonNode> badValues(JsonNode schema) {
        List<JsonNode> bad = new ArrayList<>();
        String type = schema.path("type").asText(schema.has("properties") ? "object" : "");
        switch (type) {
            case "string" -> {
                bad.add(NODES.arrayNode().add("x"));
                bad.add(NODES.objectNode());
                badStrings(schema).stream().filter(value -> value.length() < 6000).limit(8).forEach(value -> bad.add(NODES.textNode(value)));
            }
            case "integer", "number" -> {
                bad.add(NODES.textNode("abc"));
                bad.add(NODES.arrayNode().add(1));
                bad.add(NODES.objectNode());
                bad.add(NODES.numberNode(new java.math.BigInteger("99999999999999999999999")));
                if (schema.has("minimum")) {
                    bad.add(NODES.numberNode(schema.path("minimum").asLong() - 1));
                }
                if (schema.has("maximum")) {
                    bad.add(NODES.numberNode(schema.path("maximum").asLong() + 1));
                }
            }
            case "boolean" -> {
                bad.add(NODES.textNode("maybe"));
                bad.add(NODES.arrayNode().add(true));
                bad.add(NODES.objectNode());
            }
            case "array" -> {
                bad.add(NODES.textNode("x"));
                bad.add(NODES.objectNode());
                bad.add(NODES.numberNode(7));
                if (schema.path("minItems").asInt(0) > 0) {
                    bad.add(NODES.arrayNode());
                }
                // Not for a set (uniqueItems): more items than it may hold cannot all be distinct values of an enum.
                if (schema.has("maxItems") && schema.path("maxItems").asInt() < 2000 && !schema.path("uniqueItems").asBoolean()) {
                    ArrayNode many = NODES.arrayNode();
                    JsonNode item = valid(resolve(schema.path("items")), 3);
                    for (int i = 0; i <= schema.path("maxItems").asInt(); i++) {
                        many.add(item.deepCopy());
                    }
                    bad.add(many);
                }
            }
            case "object" -> {
                bad.add(NODES.textNode("x"));
                bad.add(NODES.arrayNode());
                bad.add(NODES.numberNode(42));
            }
            default -> {
                // No documented type (a free-form value): nothing is certainly wrong with it.
            }
        }
        return bad;
    }

    /** Strings that break a string schema (pattern, enum, format, length, or a number's, boolean's type). */
    private List<String> badStrings(JsonNode schema) {
        List<String> bad = new ArrayList<>();
        String type = schema.path("type").asText("");
        String format = schema.path("format").asText("");
        if (schema.has("enum")) {
            // Not "": an empty query value reads as the parameter not given.
            bad.addAll(List.of("MAYBE", "%00", "<script>", "x".repeat(300)));
        } else if (type.equals("integer") || type.equals("number")) {
            bad.addAll(List.of("abc", "1e999", "99999999999999999999", "0x10", "--1", "NaN"));
            if (schema.has("minimum")) {
                bad.add(String.valueOf(schema.path("minimum").asLong() - 1));
            }
            if (schema.has("maximum")) {
                bad.add(String.valueOf(schema.path("maximum").asLong() + 1));
            }
        } else if (type.equals("boolean")) {
            bad.addAll(List.of("maybe", "2", "yes please"));
        } else if (format.equals("date-time")) {
            bad.addAll(List.of("yesterday", "2026-13-45T00:00:00Z", "1700000000", "2026-01-01"));
        } else if (format.equals("uuid") || schema.path("pattern").asText("").contains("{8}-")) {
            bad.addAll(List.of("not-a-uuid", "00000000-0000-0000-0000", "'; DROP TABLE notification; --", "../../etc/passwd", "x".repeat(5000)));
        } else if (format.equals("duration")) {
            bad.addAll(List.of("forever", "P-1D", "15 minutes"));
        } else if (type.equals("string")) {
            if (schema.path("pattern").asText().equals("\\S")) {
                bad.addAll(List.of("", " ", "\t\n")); // SmallRye's rendering of @NotBlank: "some non-blank character"
            } else if (schema.has("pattern")) {
                // A Bean Validation @Pattern as documented: the whole value must match.
                Pattern pattern = Pattern.compile(schema.path("pattern").asText());
                BAD_IDS.stream().filter(value -> !pattern.matcher(value).matches()).forEach(bad::add);
            }
            if (schema.has("maxLength")) {
                bad.add("x".repeat(schema.path("maxLength").asInt() + 1));
            }
            if (schema.path("minLength").asInt(0) > 0) {
                bad.add("");
            }
        }
        return bad;
    }

    /** A value of {@code schema} that its constraints accept (the base a broken body starts from). */
    private JsonNode valid(JsonNode reference, int depth) {
        JsonNode schema = resolve(reference);
        if (schema.has("enum")) {
            return schema.path("enum").get(0);
        }
        String type = schema.path("type").asText(schema.has("properties") ? "object" : "");
        return switch (type) {
            case "string" -> NODES.textNode(validString(schema));
            case "integer", "number" -> NODES.numberNode(Math.max(schema.path("minimum").asLong(1), 1));
            case "boolean" -> NODES.booleanNode(true);
            case "array" -> {
                ArrayNode array = NODES.arrayNode();
                if (depth < 4) {
                    array.add(valid(schema.path("items"), depth + 1));
                }
                yield array;
            }
            case "object" -> {
                ObjectNode object = NODES.objectNode();
                if (depth < 4) {
                    schema.path("properties").properties().iterator().forEachRemaining(property -> object.set(property.getKey(), valid(property.getValue(), depth + 1)));
                }
                yield object;
            }
            default -> NODES.textNode("corpus");
        };
    }

    private static String validString(JsonNode schema) {
        String format = schema.path("format").asText("");
        if (format.equals("date-time")) {
            return Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
        }
        if (format.equals("uuid")) {
            return "3f2c1b9e-5d7a-4e1f-9c3b-2a6d8e4f1b7c";
        }
        if (format.equals("duration")) {
            return "PT15M";
        }
        if (!schema.has("pattern")) {
            return "corpus";
        }
        Pattern pattern = Pattern.compile(schema.path("pattern").asText());
        for (String candidate : List.of("corpus-1", "0123456789abcdef", "3f2c1b9e-5d7a-4e1f-9c3b-2a6d8e4f1b7c", "tcp", "1", "22:00", "x", "*")) {
            if (pattern.matcher(candidate).matches()) {
                return candidate;
            }
        }
        return "corpus";
    }

    private JsonNode resolve(JsonNode schema) {
        JsonNode resolved = schema;
        for (int hops = 0; resolved.has("$ref") && hops < 10; hops++) {
            resolved = document.at(resolved.path("$ref").asText().substring(1));
        }
        if (resolved.has("allOf") && resolved.path("allOf").size() > 0) {
            return resolve(resolved.path("allOf").get(0));
        }
        return resolved;
    }

    /** The path with its parameters filled in (valid values, except those in {@code bad}), percent-encoded. */
    private String target(String path, Map<String, String> bad, String queryName, String queryValue) {
        StringBuilder target = new StringBuilder();
        java.util.regex.Matcher parameter = Pattern.compile("\\{([^}]+)}").matcher(path);
        int last = 0;
        while (parameter.find()) {
            target.append(path, last, parameter.start());
            String name = parameter.group(1);
            target.append(encode(bad.containsKey(name) ? bad.get(name) : validPathValue(path, name)));
            last = parameter.end();
        }
        target.append(path.substring(last));
        if (queryName != null) {
            target.append('?').append(encode(queryName)).append('=').append(encode(queryValue));
        }
        return target.toString();
    }

    private String validPathValue(String path, String name) {
        for (JsonNode operation : document.path("paths").path(path)) {
            for (JsonNode parameter : operation.path("parameters")) {
                if (parameter.path("name").asText().equals(name) && parameter.path("in").asText().equals("path")) {
                    return validString(resolve(parameter.path("schema")));
                }
            }
        }
        return "corpus-1";
    }

    /** Every byte but RFC 3986's unreserved characters percent-encoded, so the target is what the value says. */
    static String encode(String value) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
                encoded.append(c);
            } else {
                encoded.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return encoded.toString();
    }

    private Map<String, String> authenticated(String path, Map<String, String> extra) {
        Map<String, String> headers = new LinkedHashMap<>();
        String credential = credentialFor.apply(path);
        if (credential != null) {
            headers.put("Authorization", credential);
        }
        headers.putAll(extra);
        return headers;
    }

    private static Map<String, String> json(Map<String, String> auth) {
        Map<String, String> headers = new LinkedHashMap<>(auth);
        headers.put("Content-Type", "application/json");
        return headers;
    }

    private static void jsonContent(Map<String, String> headers, String body) {
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
    }

    private void add(String path, String what, String method, String target, Map<String, String> headers, String body, Expect expect) {
        String valid = credentialFor.apply(path);
        String credentialKind = valid != null && valid.equals(headers.get("Authorization")) ? "valid credential" : null;
        BadRequest request = new BadRequest(service, what, (method + " " + target + " HTTP/1.1").getBytes(StandardCharsets.ISO_8859_1),
                headers, credentialKind, body == null ? null : body.getBytes(StandardCharsets.UTF_8), expect, false);
        requests.putIfAbsent(request.distinctKey(), request);
    }

    static String write(JsonNode value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "…" : text;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
