package io.restartwatch.support.rest;

import java.util.List;

import jakarta.ws.rs.core.Response;

/** Thrown by resources and domain code to answer with a specific problem (404, 409, 422…). */
public class ProblemException extends RuntimeException {

    private final Problem problem;

    public ProblemException(Response.Status status, String detail) {
        this(Problem.of(status, detail));
    }

    public ProblemException(int status, String title, String detail, List<Problem.FieldError> errors) {
        this(Problem.of(status, title, detail, errors));
    }

    public ProblemException(Problem problem) {
        super(problem.detail());
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(Response.Status.NOT_FOUND, detail);
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(Response.Status.CONFLICT, detail);
    }

    public static ProblemException badRequest(String field, String message) {
        return new ProblemException(400, "Bad Request", field + ": " + message, List.of(new Problem.FieldError(field, message)));
    }
}
