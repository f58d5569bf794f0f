package io.restartwatch.support.rest;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityRequirement;

/**
 * What every service's OpenAPI document says the same way, so that a standard linter (Redocly CLI's
 * {@code recommended} rules) and client generators find it: the problem+json errors each operation can answer.
 * Every {@code /api} operation needs credentials (401 without them); one that requires a role answers 403 to a
 * lower one; one that takes a request body answers 400 when it is invalid, naming each offending field. These
 * are what SecuritySuiteIT and the bad-input corpus check on every operation. Registered with
 * {@code mp.openapi.filter}, it runs when the document is built.
 */
public class OpenApiConventions implements OASFilter {

    static final String PROBLEM_SCHEMA = "Problem";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        openAPI.getComponents().addSchema(PROBLEM_SCHEMA, problemSchema());
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        String operatorScheme = ConfigProvider.getConfig()
                .getOptionalValue("quarkus.smallrye-openapi.security-scheme-name", String.class).orElse("bearer");
        openAPI.getPaths().getPathItems().values().forEach(item -> {
            if (item.getOperations() != null) {
                item.getOperations().values().forEach(operation -> {
                    rolesUnderOperatorScheme(operation, operatorScheme);
                    documentProblems(operation);
                });
            }
        });
    }

    /**
     * Quarkus files the roles of {@code @RolesAllowed} under the first scheme a {@code @SecurityScheme} annotation
     * declares (an agent token, a pipeline token, a webhook signature) as soon as a service declares one: roles are
     * always the operator API key's, so they go back under its scheme. Own-credential requirements have no scopes.
     */
    private static void rolesUnderOperatorScheme(Operation operation, String operatorScheme) {
        if (operation.getSecurity() == null) {
            return;
        }
        List<SecurityRequirement> fixed = operation.getSecurity().stream().map(requirement -> {
            Map<String, List<String>> schemes = requirement.getSchemes() == null ? Map.of() : requirement.getSchemes();
            if (schemes.size() != 1 || schemes.containsKey(operatorScheme)) {
                return requirement;
            }
            List<String> roles = schemes.values().iterator().next();
            return roles == null || roles.isEmpty() ? requirement
                    : OASFactory.createSecurityRequirement().addScheme(operatorScheme, roles);
        }).toList();
        operation.setSecurity(new java.util.ArrayList<>(fixed));
    }

    private static void documentProblems(Operation operation) {
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        APIResponses responses = operation.getResponses();
        problem(responses, "401", "No valid credentials (the WWW-Authenticate header says which)");
        if (requiresRole(operation)) {
            problem(responses, "403", "The credentials lack the role this operation requires");
        }
        if (operation.getRequestBody() != null) {
            problem(responses, "400", "The request is invalid: each offending field is named in errors");
        }
        // Responses the generator added bare (e.g. a 400 for parameters) get the problem+json body too.
        responses.getAPIResponses().forEach((code, response) -> {
            if (code.startsWith("4") && response.getContent() == null && response.getRef() == null) {
                response.setContent(problemContent());
            }
        });
    }

    /** A role is required when a security requirement names scopes (the roles of @RolesAllowed). */
    private static boolean requiresRole(Operation operation) {
        return operation.getSecurity() != null && operation.getSecurity().stream()
                .map(requirement -> requirement.getSchemes() == null ? Map.<String, List<String>>of() : requirement.getSchemes())
                .anyMatch(schemes -> schemes.values().stream().anyMatch(scopes -> scopes != null && !scopes.isEmpty()));
    }

    private static void problem(APIResponses responses, String code, String description) {
        APIResponse existing = responses.getAPIResponse(code);
        if (existing == null) {
            responses.addAPIResponse(code, OASFactory.createAPIResponse().description(description).content(problemContent()));
        } else if (existing.getDescription() == null || existing.getDescription().isBlank()
                || existing.getDescription().equals("Not Authorized") || existing.getDescription().equals("Not Allowed")) {
            existing.setDescription(description);
        }
    }

    private static Content problemContent() {
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType()
                .schema(OASFactory.createSchema().ref(PROBLEM_SCHEMA)));
    }

    /** RFC 9457 problem details, as {@link Problem} serialises them. */
    private static Schema problemSchema() {
        Schema string = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
        return OASFactory.createSchema()
                .addType(Schema.SchemaType.OBJECT)
                .description("An RFC 9457 problem detail (application/problem+json)")
                .addProperty("type", OASFactory.createSchema().addType(Schema.SchemaType.STRING).format("uri")
                        .description("A URI identifying the problem type; about:blank when the status says it all"))
                .addProperty("title", OASFactory.createSchema().addType(Schema.SchemaType.STRING).description("The status's reason phrase"))
                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).format("int32")
                        .description("The HTTP status code"))
                .addProperty("detail", OASFactory.createSchema().addType(Schema.SchemaType.STRING).description("What went wrong, for a person"))
                .addProperty("instance", string)
                .addProperty("errors", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY)
                        .description("Each offending field of the request")
                        .items(OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                                .addProperty("field", OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                                        .description("Its path in the request, e.g. openPorts[0].sources[1]"))
                                .addProperty("message", OASFactory.createSchema().addType(Schema.SchemaType.STRING))))
                .required(List.of("title", "status"));
    }
}
