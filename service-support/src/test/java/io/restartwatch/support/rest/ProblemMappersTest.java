package io.restartwatch.support.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.ServerSocket;
import java.sql.DriverManager;
import java.sql.SQLException;

import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.hibernate.exception.ConstraintViolationException;
import org.hibernate.exception.JDBCConnectionException;
import org.junit.jupiter.api.Test;

/**
 * The last-resort mapper tells "the database is away, come back" (503 with Retry-After) from a failure of the service
 * itself (500), on the exceptions the real driver throws: a connect to a port nothing listens on.
 */
class ProblemMappersTest {

    private final ProblemMappers mappers = new ProblemMappers();

    @Test
    void anUnreachableDatabaseAnswers503WithRetryAfter() throws Exception {
        SQLException refused = connectToClosedPort();
        assertThat(refused.getSQLState()).as("pgjdbc's connection failure").startsWith("08");

        // As a request sees it: Hibernate's wrapper, inside the persistence exception of the call that failed.
        Response response = mappers.unexpected(new PersistenceException("could not obtain a connection",
                new JDBCConnectionException("Unable to acquire JDBC Connection", refused)));

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeaderString(HttpHeaders.RETRY_AFTER)).isEqualTo(String.valueOf(ProblemMappers.DATABASE_RETRY_AFTER_SECONDS));
        assertThat(response.getMediaType().toString()).isEqualTo("application/problem+json");
        assertThat(((Problem) response.getEntity()).detail()).contains("database is unavailable").doesNotContain("127.0.0.1");
    }

    @Test
    void aDatabaseShuttingDownAnswers503() {
        SQLException shutdown = new SQLException("terminating connection due to administrator command", "57P01");
        assertThat(mappers.unexpected(new IllegalStateException("relay", shutdown)).getStatus()).isEqualTo(503);
    }

    @Test
    void anyOtherFailureStays500() {
        SQLException duplicate = new SQLException("duplicate key value violates unique constraint", "23505");
        assertThat(mappers.unexpected(new ConstraintViolationException("insert", duplicate, "pk")).getStatus()).isEqualTo(500);
        assertThat(mappers.unexpected(new IllegalStateException("webhook", new java.net.ConnectException("Connection refused")))
                .getStatus()).as("another peer refusing a connect is not the database").isEqualTo(500);
        Response response = mappers.unexpected(new IllegalStateException("a bug"));
        assertThat(response.getStatus()).isEqualTo(500);
        assertThat(response.getHeaderString(HttpHeaders.RETRY_AFTER)).isNull();
    }

    private static SQLException connectToClosedPort() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        int closed = port;
        return catchThrowableOfType(SQLException.class,
                () -> DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + closed + "/restartwatch?connectTimeout=5", "nobody", "x"));
    }
}
