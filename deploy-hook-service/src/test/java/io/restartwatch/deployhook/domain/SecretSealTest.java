package io.restartwatch.deployhook.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The key check that stops start-up: each refusal says what to set and how to make a key. */
class SecretSealTest {

    @Test
    void aMissingKeyRefusesWithWhatToSet() {
        assertThatThrownBy(() -> SecretSeal.keyOf(Optional.empty()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("restartwatch.deploy-hook.secret-encryption-key is not set")
                .hasMessageContaining("RESTARTWATCH_DEPLOY_HOOK_SECRET_ENCRYPTION_KEY")
                .hasMessageContaining("openssl rand -base64 32");
        assertThatThrownBy(() -> SecretSeal.keyOf(Optional.of("  "))).hasMessageContaining("is not set");
    }

    @Test
    void aKeyThatIsNotBase64Of32BytesRefuses() {
        assertThatThrownBy(() -> SecretSeal.keyOf(Optional.of("not base64!"))).hasMessageContaining("not valid base64");
        assertThatThrownBy(() -> SecretSeal.keyOf(Optional.of("c2hvcnQ="))).hasMessageContaining("decodes to 5 bytes, not 32");
    }

    @Test
    void a32ByteKeyIsAnAes256Key() {
        assertThat(SecretSeal.keyOf(Optional.of("AEOT3FbcRlpXvvo/SjHfFQcNwJ7tg90Be50MtUikn/s=")).getEncoded()).hasSize(32);
    }
}
