package io.restartwatch.plan.rest;

import java.util.List;

import jakarta.ws.rs.core.Response;

import io.restartwatch.plan.persistence.PolicyDocument;
import io.restartwatch.support.rest.Problem;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** A value the domain refuses (an overlapping window, an unknown time zone…) is the client's error: 400 naming the field. */
public class InvalidFieldMapper {

    @ServerExceptionMapper(priority = 1)
    public Response invalidField(PolicyDocument.InvalidField exception) {
        return Problem.of(400, "Bad Request", exception.field() + ": " + exception.getMessage(),
                List.of(new Problem.FieldError(exception.field(), exception.getMessage()))).toResponse();
    }
}
