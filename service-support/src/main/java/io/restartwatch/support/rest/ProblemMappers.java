package io.restartwatch.support.rest;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.restartwatch.support.sql.DatabaseFailures;
import io.restartwatch.support.tx.GroupCommit;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every error a service answers is RFC 9457 problem+json: bad input names the field, unknown failures say
 * nothing of internals (they are logged instead).
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    /** A PostgreSQL restart or fail-over takes seconds; the pool reconnects on the next request after it. */
    static final int DATABASE_RETRY_AFTER_SECONDS = 5;

    @ServerExceptionMapper
    public Response problem(ProblemException exception) {
        return exception.problem().toResponse();
    }

    @ServerExceptionMapper(priority = 1)
    public Response invalid(ConstraintViolationException exception) {
        List<Problem.FieldError> errors = exception.getConstraintViolations().stream()
                .map(violation -> new Problem.FieldError(fieldPath(violation), violation.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        String detail = errors.stream().map(e -> e.field() + ": " + e.message()).collect(Collectors.joining("; "));
        return Problem.of(400, "Bad Request", detail, errors).toResponse();
    }

    @ServerExceptionMapper(priority = 1)
    public Response unreadableJson(JsonProcessingException exception) {
        if (exception instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = path(mapping);
            String message = exception instanceof UnrecognizedPropertyException ? "unknown field" : "invalid value";
            return Problem.of(400, "Bad Request", field + ": " + message + " (" + exception.getOriginalMessage() + ")",
                    List.of(new Problem.FieldError(field, message))).toResponse();
        }
        return Problem.of(400, "Bad Request", "Malformed JSON: " + exception.getOriginalMessage(), List.of()).toResponse();
    }

    /** Quarkus maps this subtype itself (with an empty body); ours wins and names the field. */
    @ServerExceptionMapper(priority = 1)
    public Response mismatchedInput(MismatchedInputException exception) {
        return unreadableJson(exception);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException exception) {
        Response.StatusType status = exception.getResponse().getStatusInfo();
        if (exception.getCause() instanceof JsonProcessingException json) {
            return unreadableJson(json);
        }
        if (exception.getCause() instanceof ProblemException problem) {
            return problem(problem); // a ParameterConverters refusal, wrapped by the parameter handler
        }
        if (unconvertibleParameter(exception)) {
            return Problem.of(400, "Bad Request",
                    "A parameter of the request has a value its type cannot take",
                    List.of()).toResponse();
        }
        return Problem.of(status, exception.getMessage()).toResponse();
    }

    /**
     * The parameter handler wraps a converter's failure in 404 (query and path) or 400 (header, cookie, form) with the
     * failure as cause; no resource here throws either with a cause. A value the endpoint cannot take is bad input.
     */
    static boolean unconvertibleParameter(WebApplicationException exception) {
        return (exception instanceof NotFoundException || exception instanceof BadRequestException)
                && exception.getCause() != null && !(exception.getCause() instanceof WebApplicationException);
    }

    /** A group commit's queue is full: the client should come back in a moment, not give up. */
    @ServerExceptionMapper
    public Response overloaded(GroupCommit.Overloaded exception) {
        return Response.fromResponse(Problem.of(Response.Status.SERVICE_UNAVAILABLE, exception.getMessage()).toResponse())
                .header(HttpHeaders.RETRY_AFTER, 1)
                .build();
    }

    /** No credentials, or ones that did not authenticate: say how to authenticate, never why a key failed. */
    @ServerExceptionMapper(priority = 1)
    public Response unauthenticated(UnauthorizedException exception) {
        return unauthorized();
    }

    @ServerExceptionMapper(priority = 1)
    public Response authenticationFailed(AuthenticationFailedException exception) {
        return unauthorized();
    }

    @ServerExceptionMapper(priority = 1)
    public Response forbidden(ForbiddenException exception) {
        return Problem.of(Response.Status.FORBIDDEN, "Your credentials do not grant the role this operation needs").toResponse();
    }

    private static Response unauthorized() {
        return Response.fromResponse(Problem.of(Response.Status.UNAUTHORIZED,
                        "Credentials are required: Authorization: Bearer <API key or OIDC access token>").toResponse())
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"restartwatch\"")
                .build();
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException exception) {
        if (DatabaseFailures.unavailable(exception)) {
            return databaseUnavailable(exception);
        }
        LOG.error("Unexpected failure answering a request", exception);
        return Problem.of(Response.Status.INTERNAL_SERVER_ERROR, "An unexpected error occurred; it has been logged.").toResponse();
    }

    /**
     * The database is unreachable or restarting: nothing is wrong with the request, so say the service is unavailable
     * for now and when to come back (agents and pipelines retry on 503 with Retry-After), rather than a bare 500.
     */
    private static Response databaseUnavailable(RuntimeException exception) {
        LOG.warnf("Answering 503: the database is unavailable (%s)", exception.toString());
        return Response.fromResponse(Problem.of(Response.Status.SERVICE_UNAVAILABLE,
                        "The service's database is unavailable for the moment; retry shortly.").toResponse())
                .header(HttpHeaders.RETRY_AFTER, DATABASE_RETRY_AFTER_SECONDS)
                .build();
    }

    /** "register.request.openPorts[0].port" → "openPorts[0].port": the method and parameter are not the client's business. */
    private static String fieldPath(ConstraintViolation<?> violation) {
        StringBuilder path = new StringBuilder();
        String parameter = null;
        for (Path.Node node : violation.getPropertyPath()) {
            if (node.getKind() == ElementKind.METHOD || node.getKind() == ElementKind.CONSTRUCTOR
                    || node.getKind() == ElementKind.RETURN_VALUE) {
                continue;
            }
            if (node.getKind() == ElementKind.PARAMETER) {
                parameter = node.getName();
                continue;
            }
            if (node.getName() == null && node.getIndex() == null && node.getKey() == null) {
                continue;
            }
            if (node.getIndex() != null) {
                path.append('[').append(node.getIndex()).append(']');
            } else if (node.getKey() != null) {
                path.append('[').append(node.getKey()).append(']');
            }
            if (node.getName() != null && !node.getName().startsWith("<")) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(node.getName());
            }
        }
        return path.isEmpty() && parameter != null ? parameter : path.toString();
    }

    private static String path(JsonMappingException exception) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : exception.getPath()) {
            if (reference.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
