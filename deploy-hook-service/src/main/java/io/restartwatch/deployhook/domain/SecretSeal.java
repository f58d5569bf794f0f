package io.restartwatch.deployhook.domain;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Singleton;

import io.quarkus.runtime.Startup;
import io.restartwatch.deployhook.config.DeployHookSettings;

/**
 * Seals pipelines' HMAC secrets for the database with AES-256-GCM: a random 96-bit nonce per value and the
 * pipeline id as associated data, so a sealed secret copied onto another pipeline does not open. Stored as
 * {@code v1:<base64(nonce || ciphertext || tag)>}. Created at start-up, so a missing or bad key stops the
 * service at once rather than at the first signed request.
 */
@Singleton
@Startup
public class SecretSeal {

    public static final String PREFIX = "v1:";
    static final String KEY_PROPERTY = "restartwatch.deploy-hook.secret-encryption-key";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;

    public SecretSeal(DeployHookSettings settings) {
        this.key = keyOf(settings.secretEncryptionKey());
    }

    static SecretKey keyOf(Optional<String> configured) {
        String hint = " (environment RESTARTWATCH_DEPLOY_HOOK_SECRET_ENCRYPTION_KEY) must be 32 random bytes in base64,"
                + " e.g. from `openssl rand -base64 32`: it encrypts the pipelines' HMAC secrets in the database";
        String value = configured.map(String::trim).filter(v -> !v.isEmpty())
                .orElseThrow(() -> new IllegalStateException(KEY_PROPERTY + " is not set. It" + hint));
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(KEY_PROPERTY + " is not valid base64. It" + hint);
        }
        if (bytes.length != 32) {
            throw new IllegalStateException(KEY_PROPERTY + " decodes to " + bytes.length + " bytes, not 32. It" + hint);
        }
        return new SecretKeySpec(bytes, "AES");
    }

    public String seal(String pipelineId, String secret) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        byte[] sealed = run(Cipher.ENCRYPT_MODE, nonce, pipelineId, secret.getBytes(StandardCharsets.UTF_8));
        return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
    }

    /**
     * The secret in clear. A value without the prefix is a row from before sealing, returned as is until
     * start-up seals it ({@link Pipelines#sealPlaintextSecrets}).
     *
     * @throws IllegalStateException when the value was sealed with another key or for another pipeline, or altered
     */
    public String open(String pipelineId, String stored) {
        if (!isSealed(stored)) {
            return stored;
        }
        byte[] all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
        byte[] nonce = Arrays.copyOf(all, NONCE_BYTES);
        byte[] sealed = Arrays.copyOfRange(all, NONCE_BYTES, all.length);
        return new String(run(Cipher.DECRYPT_MODE, nonce, pipelineId, sealed), StandardCharsets.UTF_8);
    }

    public static boolean isSealed(String stored) {
        return stored != null && stored.startsWith(PREFIX);
    }

    private byte[] run(int mode, byte[] nonce, String pipelineId, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(pipelineId.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot " + (mode == Cipher.ENCRYPT_MODE ? "seal" : "open")
                    + " the HMAC secret of pipeline '" + pipelineId + "': wrong key or altered value", e);
        }
    }
}
