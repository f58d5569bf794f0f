package io.restartwatch.support.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The form of Restart Watch API keys: {@code rwk_} and 43 base64url characters (256 random bits). The prefix lets
 * a service tell a key from an OIDC token in the same {@code Authorization: Bearer} header, and secret scanners
 * find leaked keys. Keys are stored and published only as their SHA-256: with 256 random bits a fast hash is
 * as strong as a slow one, and it lets every request be checked from memory.
 */
public final class ApiKeys {

    public static final String PREFIX = "rwk_";
    private static final Pattern FORM = Pattern.compile("rwk_[A-Za-z0-9_-]{16,200}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int KEY_ID_LENGTH = 16;

    private ApiKeys() {
    }

    /** A new key, to be shown once and then forgotten. */
    public static String generate() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** Whether {@code credential} has the form of one of our keys (not whether it is valid). */
    public static boolean hasKeyForm(String credential) {
        return credential != null && FORM.matcher(credential).matches();
    }

    /** Hex SHA-256 of the whole key. */
    public static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The public id of a key: the start of its hash, safe to show and log. */
    public static String keyId(String sha256) {
        return sha256.substring(0, KEY_ID_LENGTH);
    }
}
