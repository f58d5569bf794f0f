package io.restartwatch.testsupport;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.restartwatch.contracts.EventJson;
import io.restartwatch.localstack.LoopbackPorts;

/**
 * The smallest OpenID provider the services need, on loopback in the test's own JVM: a discovery document, a JWKS
 * with one RSA key, RS256 tokens signed with the plain JDK, and an authorization-code flow for one confidential
 * client whose authorization endpoint signs in a configured user without a login page (as a provider does for a
 * user who already has a session there). Enough to test what the services do with a provider's tokens
 * (signature, issuer, audience, expiry, groups, user name) and the dashboard's sign-in through the provider.
 * Why not Keycloak: it needs a container or a 200 MB download; this needs nothing.
 */
public final class TestOidcProvider implements AutoCloseable {

    public static final String KEY_ID = "restartwatch-test-key";
    private static final String REALM_PATH = "/realms/restartwatch";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpServer server;
    private final KeyPair signingKey = newRsaKey();
    private final String issuer;
    private final Map<String, String> clientSecrets = new ConcurrentHashMap<>();
    private final Map<String, IssuedCode> codes = new ConcurrentHashMap<>();
    private final List<Map<String, String>> authorizationRequests = new CopyOnWriteArrayList<>();
    private final List<Map<String, String>> tokenRequests = new CopyOnWriteArrayList<>();
    private volatile Claims signedInUser;

    /** What a token says; {@code expiresAt} in the past makes an expired one. */
    public record Claims(String subject, String userName, List<String> groups, String audience, Instant issuedAt, Instant expiresAt) {

        public static Claims of(String userName, List<String> groups, String audience) {
            Instant now = Instant.now();
            return new Claims("sub-" + userName, userName, groups, audience, now, now.plusSeconds(300));
        }

        public Claims expired() {
            return new Claims(subject, userName, groups, audience, issuedAt.minusSeconds(3600), issuedAt.minusSeconds(600));
        }
    }

    private record IssuedCode(String clientId, String redirectUri, String nonce, String codeChallenge, Claims user) {
    }

    /** A provider at {@code http://127.0.0.1:<port>}. */
    public TestOidcProvider() throws IOException {
        this("127.0.0.1");
    }

    /**
     * A provider whose URLs name {@code host} (which must resolve to 127.0.0.1): {@code "localhost"} puts it on
     * another site than an application reached at 127.0.0.1, as a real provider is, so a browser applies its
     * cross-site cookie rules to the sign-in redirects.
     */
    public TestOidcProvider(String host) throws IOException {
        int port = LoopbackPorts.reserve();
        issuer = "http://" + host + ":" + port + REALM_PATH;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext(REALM_PATH + "/.well-known/openid-configuration", exchange -> json(exchange, 200, discovery()));
        server.createContext(REALM_PATH + "/protocol/openid-connect/certs", exchange -> json(exchange, 200, jwks()));
        server.createContext(REALM_PATH + "/protocol/openid-connect/auth", this::authorize);
        server.createContext(REALM_PATH + "/protocol/openid-connect/token", this::token);
        server.start();
    }

    /** The issuer, which is also the {@code auth-server-url} the services are given. */
    public String issuer() {
        return issuer;
    }

    /** Registers a confidential client of the authorization-code flow (client_secret_basic or client_secret_post). */
    public TestOidcProvider client(String clientId, String secret) {
        clientSecrets.put(clientId, secret);
        return this;
    }

    /**
     * The user the authorization endpoint signs in from now on; the access token it ends with carries these claims
     * (the audience is the API's, as a provider's audience mapper sets it), the ID token names the client.
     */
    public void signIn(Claims user) {
        signedInUser = user;
    }

    /** The query parameters of every authorization request, in order. */
    public List<Map<String, String>> authorizationRequests() {
        return List.copyOf(authorizationRequests);
    }

    /** The form parameters of every token request (the client secret left out), in order. */
    public List<Map<String, String>> tokenRequests() {
        return List.copyOf(tokenRequests);
    }

    /** A token signed with this provider's key. */
    public String token(Claims claims) {
        return sign(payload(claims, claims.audience()), signingKey);
    }

    /** A token that names this provider but is signed with a key it never published. */
    public String tokenSignedByAnotherKey(Claims claims) {
        return sign(payload(claims, claims.audience()), newRsaKey());
    }

    /** Auto-approves: redirects straight back to the client with a one-time code, as for a user already signed in here. */
    private void authorize(HttpExchange exchange) throws IOException {
        Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
        authorizationRequests.add(query);
        String clientId = query.get("client_id");
        String redirectUri = query.get("redirect_uri");
        Claims user = signedInUser;
        if (!"code".equals(query.get("response_type")) || clientId == null || !clientSecrets.containsKey(clientId)
                || redirectUri == null || !(redirectUri.startsWith("http://") || redirectUri.startsWith("https://"))) {
            json(exchange, 400, Map.of("error", "invalid_request"));
            return;
        }
        if (user == null) {
            json(exchange, 400, Map.of("error", "login_required"));
            return;
        }
        String challenge = query.get("code_challenge");
        if (challenge != null && !"S256".equals(query.get("code_challenge_method"))) {
            json(exchange, 400, Map.of("error", "invalid_request", "error_description", "only S256"));
            return;
        }
        String code = randomToken();
        codes.put(code, new IssuedCode(clientId, redirectUri, query.get("nonce"), challenge, user));
        StringBuilder location = new StringBuilder(redirectUri).append(redirectUri.contains("?") ? '&' : '?')
                .append("code=").append(encode(code));
        if (query.containsKey("state")) {
            location.append("&state=").append(encode(query.get("state")));
        }
        exchange.getResponseHeaders().set("Location", location.toString());
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
    }

    /** Code for tokens: the client authenticates, the code is used once, with the same redirect_uri and PKCE verifier. */
    private void token(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            json(exchange, 405, Map.of("error", "invalid_request"));
            return;
        }
        Map<String, String> params = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Map<String, String> recorded = new LinkedHashMap<>(params);
        recorded.remove("client_secret");
        tokenRequests.add(recorded);
        String[] client = clientCredentials(exchange, params);
        if (client == null || !client[1].equals(clientSecrets.get(client[0]))) {
            json(exchange, 401, Map.of("error", "invalid_client"));
            return;
        }
        if (!"authorization_code".equals(params.get("grant_type"))) {
            json(exchange, 400, Map.of("error", "unsupported_grant_type"));
            return;
        }
        IssuedCode issued = params.get("code") == null ? null : codes.remove(params.get("code"));
        if (issued == null || !issued.clientId().equals(client[0]) || !issued.redirectUri().equals(params.get("redirect_uri"))
                || !pkceHolds(issued.codeChallenge(), params.get("code_verifier"))) {
            json(exchange, 400, Map.of("error", "invalid_grant"));
            return;
        }
        Instant now = Instant.now();
        Claims user = issued.user();
        Claims fresh = new Claims(user.subject(), user.userName(), user.groups(), user.audience(), now, now.plusSeconds(300));
        Map<String, Object> idToken = payload(fresh, issued.clientId());
        if (issued.nonce() != null) {
            idToken.put("nonce", issued.nonce());
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("access_token", token(fresh));
        answer.put("id_token", sign(idToken, signingKey));
        answer.put("token_type", "Bearer");
        answer.put("expires_in", 300);
        answer.put("scope", "openid");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        json(exchange, 200, answer);
    }

    /** client_secret_basic (Quarkus's default) or client_secret_post; null when neither is present. */
    private static String[] clientCredentials(HttpExchange exchange, Map<String, String> params) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return null;
            }
            // RFC 6749 2.3.1: both parts are form-urlencoded before they are joined
            return new String[] {decode(decoded.substring(0, colon)), decode(decoded.substring(colon + 1))};
        }
        if (params.get("client_id") != null && params.get("client_secret") != null) {
            return new String[] {params.get("client_id"), params.get("client_secret")};
        }
        return null;
    }

    private static boolean pkceHolds(String challenge, String verifier) {
        if (challenge == null) {
            return verifier == null;
        }
        if (verifier == null) {
            return false;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return MessageDigest.isEqual(base64Url(digest).getBytes(StandardCharsets.US_ASCII), challenge.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private Map<String, Object> payload(Claims claims, String audience) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("iss", issuer);
        payload.put("aud", audience);
        payload.put("sub", claims.subject());
        payload.put("preferred_username", claims.userName());
        payload.put("groups", claims.groups());
        payload.put("iat", claims.issuedAt().getEpochSecond());
        payload.put("exp", claims.expiresAt().getEpochSecond());
        return payload;
    }

    private static String sign(Map<String, Object> payload, KeyPair key) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "RS256");
        header.put("typ", "JWT");
        header.put("kid", KEY_ID);
        String signingInput = base64Url(EventJson.write(header).getBytes(StandardCharsets.UTF_8)) + "."
                + base64Url(EventJson.write(payload).getBytes(StandardCharsets.UTF_8));
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(key.getPrivate());
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + base64Url(rs256.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RS256 is part of every JDK", e);
        }
    }

    private Map<String, Object> discovery() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("issuer", issuer);
        document.put("jwks_uri", issuer + "/protocol/openid-connect/certs");
        document.put("authorization_endpoint", issuer + "/protocol/openid-connect/auth");
        document.put("token_endpoint", issuer + "/protocol/openid-connect/token");
        document.put("response_types_supported", List.of("code"));
        document.put("grant_types_supported", List.of("authorization_code"));
        document.put("subject_types_supported", List.of("public"));
        document.put("id_token_signing_alg_values_supported", List.of("RS256"));
        document.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        document.put("code_challenge_methods_supported", List.of("S256"));
        document.put("scopes_supported", List.of("openid"));
        return document;
    }

    private Map<String, Object> jwks() {
        RSAPublicKey publicKey = (RSAPublicKey) signingKey.getPublic();
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "RSA");
        jwk.put("use", "sig");
        jwk.put("alg", "RS256");
        jwk.put("kid", KEY_ID);
        jwk.put("n", base64Url(unsigned(publicKey.getModulus())));
        jwk.put("e", base64Url(unsigned(publicKey.getPublicExponent())));
        return Map.of("keys", List.of(jwk));
    }

    private static void json(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = EventJson.write(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> params = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return params;
        }
        for (String pair : encoded.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                params.putIfAbsent(decode(pair.substring(0, equals)), decode(pair.substring(equals + 1)));
            }
        }
        return params;
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return base64Url(bytes);
    }

    /** JWK integers are unsigned big-endian: BigInteger adds a leading zero byte when the top bit is set. */
    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes.length > 1 && bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static KeyPair newRsaKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA is part of every JDK", e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
