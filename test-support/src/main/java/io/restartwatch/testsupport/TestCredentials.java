package io.restartwatch.testsupport;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.restassured.RestAssured;
import io.restassured.filter.Filter;

/**
 * The credentials service tests use: a bootstrap admin API key that {@link LocalInfraResource} configures in the
 * service under test and that REST Assured sends by default, so a test of behaviour need not repeat it, while
 * tests of access control send their own (or none).
 */
public final class TestCredentials {

    /** Has the API key form; only ever configured in test profiles and test processes. */
    private static final String AUTHORIZATION = "Authorization";
    private static boolean installed;

    public static final String ADMIN_KEY = "rwk_test-bootstrap-admin-key-0123456789abcdefABCDEF";

    private TestCredentials() {
    }

    public static String adminKeySha256() {
        return sha256(ADMIN_KEY);
    }

    /** As services hash API keys (hex SHA-256 of the whole key). */
    public static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String bearer(String key) {
        return "Bearer " + key;
    }

    /**
     * Every REST Assured request of this JVM carries the admin key unless it has credentials of its own. A global
     * filter, not a default specification: a specification built here would also fix the port before Quarkus sets it.
     * Filters given to a request run after this one, so {@link #as} and {@link #anonymous} have the last word.
     */
    public static synchronized void sendAdminKeyByDefault() {
        if (!installed) {
            installed = true;
            RestAssured.filters((request, response, context) -> {
                if (!request.getHeaders().hasHeaderWithName(AUTHORIZATION)) {
                    request.header(AUTHORIZATION, bearer(ADMIN_KEY));
                }
                return context.next(request, response);
            });
        }
    }

    /** A REST Assured filter that sends the request with no credentials at all: {@code given().filter(anonymous())}. */
    public static Filter anonymous() {
        return (request, response, context) -> {
            request.removeHeader(AUTHORIZATION);
            return context.next(request, response);
        };
    }

    /** A REST Assured filter that sends the request with {@code key} instead of the default admin key. */
    public static Filter as(String key) {
        return (request, response, context) -> {
            request.removeHeader(AUTHORIZATION);
            request.header(AUTHORIZATION, bearer(key));
            return context.next(request, response);
        };
    }
}
