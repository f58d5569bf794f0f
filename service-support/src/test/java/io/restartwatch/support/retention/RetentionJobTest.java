package io.restartwatch.support.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

import jakarta.inject.Inject;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.support.messaging.ProcessedEvents;
import io.restartwatch.testsupport.LocalInfraResource;
import org.junit.jupiter.api.Test;

/**
 * The platform's retention rule on real PostgreSQL, one pass run by a method call. This test application contributes
 * no {@link RetentionRules} of its own, like plan-service: its consumed event ids must be forgotten all the same.
 */
@QuarkusTest
@WithTestResource(LocalInfraResource.class)
class RetentionJobTest {

    @Inject
    RetentionJob retention;
    @Inject
    ProcessedEvents processed;
    @Inject
    AgroalDataSource dataSource;

    @Test
    void consumedEventIdsAreForgottenAfter7DaysAndRecognisedWithin() throws SQLException {
        String consumer = "ret-" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection connection = dataSource.getConnection()) {
            connection.createStatement().execute("insert into processed_event values ('" + consumer
                    + "', 'old', now() - interval '8 days'), ('" + consumer + "', 'recent', now() - interval '6 days')");
        }

        assertThat(retention.runOnce()).containsEntry("processed_event", 1);

        assertThat(QuarkusTransaction.requiringNew().call(() -> processed.firstDelivery(consumer, "recent")))
                .as("a duplicate inside the window is still recognised").isFalse();
        assertThat(QuarkusTransaction.requiringNew().call(() -> processed.firstDelivery(consumer, "old")))
                .as("an id past the window is forgotten").isTrue();
    }
}
