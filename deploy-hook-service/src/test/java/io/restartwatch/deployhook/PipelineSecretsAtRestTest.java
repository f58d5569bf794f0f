package io.restartwatch.deployhook;

import static io.restassured.RestAssured.given;
import static io.restartwatch.deployhook.TestPipelines.deploy;
import static io.restartwatch.deployhook.TestPipelines.now;
import static io.restartwatch.deployhook.TestPipelines.signature;
import static io.restartwatch.deployhook.TestPipelines.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restartwatch.deployhook.TestPipelines.Credentials;
import io.restartwatch.deployhook.domain.Pipelines;
import io.restartwatch.deployhook.domain.SecretSeal;
import io.restartwatch.deployhook.domain.Secrets;
import io.restartwatch.testsupport.LocalInfraResource;
import io.restartwatch.testsupport.TestCredentials;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Pipeline HMAC secrets are sealed in the database (AES-256-GCM), rows from before are sealed at start-up. */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "deployhook"))
class PipelineSecretsAtRestTest {

    @Inject
    EntityManager entityManager;
    @Inject
    Pipelines pipelines;
    @Inject
    SecretSeal seal;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Test
    void theDatabaseHoldsTheSecretSealedAndTheTokenHashedYetBothStillAuthenticate() {
        String app = unique("shop");
        Credentials ci = TestPipelines.create(app);

        Object[] row = row(ci.id());
        String storedSecret = (String) row[0];
        assertThat(storedSecret).startsWith(SecretSeal.PREFIX).doesNotContain(ci.secret())
                .doesNotContain(ci.secret().substring("rws_".length()));
        assertThat((String) row[1]).isEqualTo(Secrets.sha256(ci.token())).doesNotContain(ci.token());

        String body = deploy(app, "d-1", "completed");
        String timestamp = now();
        signed(ci.id(), timestamp, signature(ci.secret(), timestamp, body), body).statusCode(202);
        given().filter(TestCredentials.as(ci.token())).contentType(ContentType.JSON).body(deploy(app, "d-2", "completed"))
                .when().post("/api/deploys").then().statusCode(202);
    }

    @Test
    void sealingUsesAFreshNonceAndTheSealOnlyOpensForItsOwnPipeline() {
        String first = seal.seal("ci-a", "rws_same");
        String second = seal.seal("ci-a", "rws_same");

        assertThat(first).isNotEqualTo(second);
        assertThat(seal.open("ci-a", first)).isEqualTo("rws_same");
        assertThat(seal.open("ci-a", second)).isEqualTo("rws_same");
        assertThatThrownBy(() -> seal.open("ci-b", first)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSecretStoredInClearBeforeSealingIsSealedAndKeepsWorking() {
        String app = unique("shop");
        String id = unique("legacy");
        String secret = Secrets.random("rws_");
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery("""
                        insert into pipeline (id, name, application_ids, token_hash, hmac_secret, created_at)
                        values (:id, 'legacy', cast(:apps as jsonb), :tokenHash, :secret, :now)""")
                .setParameter("id", id)
                .setParameter("apps", "[\"" + app + "\"]")
                .setParameter("tokenHash", Secrets.sha256(Secrets.random("rwp_")))
                .setParameter("secret", secret)
                .setParameter("now", Instant.now())
                .executeUpdate());

        assertThat(pipelines.sealPlaintextSecrets()).isGreaterThanOrEqualTo(1);

        assertThat((String) row(id)[0]).startsWith(SecretSeal.PREFIX).doesNotContain(secret);
        assertThat(pipelines.sealPlaintextSecrets()).isZero();
        String body = deploy(app, "d-1", "completed");
        String timestamp = now();
        signed(id, timestamp, signature(secret, timestamp, body), body).statusCode(202);
    }

    private Object[] row(String pipelineId) {
        return QuarkusTransaction.requiringNew().call(() -> (Object[]) entityManager
                .createNativeQuery("select hmac_secret, token_hash from pipeline where id = :id")
                .setParameter("id", pipelineId).getSingleResult());
    }

    private static ValidatableResponse signed(String pipelineId, String timestamp, String signature, String body) {
        return given().filter(TestCredentials.anonymous()).contentType(ContentType.JSON)
                .header("X-RestartWatch-Pipeline", pipelineId)
                .header("X-RestartWatch-Timestamp", timestamp)
                .header("X-RestartWatch-Signature", signature)
                .body(body)
                .when().post("/api/deploys").then();
    }
}
