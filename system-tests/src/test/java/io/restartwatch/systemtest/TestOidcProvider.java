package io.restartwatch.systemtest;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.restartwatch.contracts.EventJson;
import io.restartwatch.localstack.LoopbackPorts;

/**
 * The smallest OpenID provider a Quarkus service application needs: a discovery document and a JWKS with one
 * RSA key, on loopback, in the test's own JVM; it signs RS256 access tokens itself instead of running a login
 * flow. Enough to test what the services do with a provider's tokens (signature, issuer, audience, expiry,
 * groups, user name), which is all a service application does.
 */
final class TestOidcProvider implements AutoCloseable {

    static final String KEY_ID = "restartwatch-test-key";

    private final HttpServer server;
    private final KeyPair signingKey = newRsaKey();
    private final String issuer;

    /** What a token says; {@code expiresAt} in the past makes an expired one. */
    record Claims(String subject, String userName, List<String> groups, String audience, Instant issuedAt, Instant expiresAt) {

        static Claims of(String userName, List<String> groups, String audience) {
            Instant now = Instant.now();
            return new Claims("sub-" + userName, userName, groups, audience, now, now.plusSeconds(300));
        }

        Claims expired() {
            return new Claims(subject, userName, groups, audience, issuedAt.minusSeconds(3600), issuedAt.minusSeconds(600));
        }
    }

    TestOidcProvider() throws IOException {
        int port = LoopbackPorts.reserve();
        issuer = "http://127.0.0.1:" + port + "/realms/restartwatch";
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/realms/restartwatch/.well-known/openid-configuration", exchange -> json(exchange, discovery()));
        server.createContext("/realms/restartwatch/protocol/openid-connect/certs", exchange -> json(exchange, jwks()));
        server.start();
    }

    /** The issuer, which is also the {@code auth-server-url} the services are given. */
    String issuer() {
        return issuer;
    }

    /** A token signed with this provider's key. */
    String token(Claims claims) {
        return sign(claims, signingKey);
    }

    /** A token that names this provider but is signed with a key it never published. */
    String tokenSignedByAnotherKey(Claims claims) {
        return sign(claims, newRsaKey());
    }

    private String sign(Claims claims, KeyPair key) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "RS256");
        header.put("typ", "JWT");
        header.put("kid", KEY_ID);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("iss", issuer);
        payload.put("aud", claims.audience());
        payload.put("sub", claims.subject());
        payload.put("preferred_username", claims.userName());
        payload.put("groups", claims.groups());
        payload.put("iat", claims.issuedAt().getEpochSecond());
        payload.put("exp", claims.expiresAt().getEpochSecond());
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

    /**
     * For a service application Quarkus needs the issuer and {@code jwks_uri} (or an introspection endpoint); the
     * authorization and token endpoints are listed because OpenID Connect Discovery requires them.
     */
    private Map<String, Object> discovery() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("issuer", issuer);
        document.put("jwks_uri", issuer + "/protocol/openid-connect/certs");
        document.put("authorization_endpoint", issuer + "/protocol/openid-connect/auth");
        document.put("token_endpoint", issuer + "/protocol/openid-connect/token");
        document.put("response_types_supported", List.of("code"));
        document.put("subject_types_supported", List.of("public"));
        document.put("id_token_signing_alg_values_supported", List.of("RS256"));
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

    private static void json(HttpExchange exchange, Object body) throws IOException {
        byte[] bytes = EventJson.write(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
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
