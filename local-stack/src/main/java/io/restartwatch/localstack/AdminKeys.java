package io.restartwatch.localstack;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Bootstrap admin API keys for systems this module starts (system tests, the benchmark): a fresh key per run,
 * given to the services as its SHA-256 ({@code RESTARTWATCH_SECURITY_BOOTSTRAP_ADMIN_KEY_SHA256}), the way
 * {@code ./stack up} and a Kubernetes Secret do. Same form and hash as the services' own {@code ApiKeys}.
 */
public final class AdminKeys {

    public static final String BOOTSTRAP_ENV = "RESTARTWATCH_SECURITY_BOOTSTRAP_ADMIN_KEY_SHA256";
    private static final SecureRandom RANDOM = new SecureRandom();

    private AdminKeys() {
    }

    public static String generate() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return "rwk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** Random bytes in base64, e.g. an AES-256 key for pipeline secrets at rest. */
    public static String randomBase64(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return Base64.getEncoder().encodeToString(value);
    }

    public static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
