package io.restartwatch.deployhook.rest;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import io.restartwatch.deployhook.domain.RateLimiter.RateLimitedException;
import io.restartwatch.support.rest.Problem;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Problems particular to this service, in the same problem+json as service-support's mappers. */
public class DeployHookMappers {

    @ServerExceptionMapper
    public Response rateLimited(RateLimitedException exception) {
        return Response.fromResponse(Problem.of(429, "Too Many Requests", exception.getMessage(), null).toResponse())
                .header(HttpHeaders.RETRY_AFTER, exception.retryAfterSeconds())
                .build();
    }
}
