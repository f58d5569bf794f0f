package io.restartwatch.support.rest;

import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import jakarta.ws.rs.ext.Provider;

import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * Query and path parameters of enum, instant, whole-number and UUID types answer a value they cannot take with 400,
 * naming the parameter and what it accepts ({@code status: 'BOGUS' is not one of OPEN, CLEARED}). JAX-RS's own rule
 * answers a query parameter it cannot convert with a bare 404, which reads as "no such endpoint".
 */
@Provider
public class ParameterConverters implements ParamConverterProvider {

    /** Said when the parameter's name cannot be found in its annotations. */
    static final String UNNAMED = "parameter";

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        if (rawType.isEnum()) {
            return (ParamConverter<T>) new EnumConverter(rawType.asSubclass(Enum.class), parameterName(annotations));
        }
        if (rawType == Instant.class) {
            return (ParamConverter<T>) new InstantConverter(parameterName(annotations));
        }
        if (rawType == int.class || rawType == Integer.class) {
            return (ParamConverter<T>) new WholeNumberConverter(parameterName(annotations));
        }
        if (rawType == UUID.class) {
            return (ParamConverter<T>) new UuidConverter(parameterName(annotations));
        }
        return null;
    }

    static String parameterName(Annotation[] annotations) {
        if (annotations != null) {
            for (Annotation annotation : annotations) {
                String name = "";
                if (annotation instanceof QueryParam query) {
                    name = query.value();
                } else if (annotation instanceof PathParam path) {
                    name = path.value();
                } else if (annotation instanceof RestQuery query) {
                    name = query.value();
                } else if (annotation instanceof RestPath path) {
                    name = path.value();
                }
                if (!name.isEmpty()) {
                    return name;
                }
            }
        }
        return UNNAMED;
    }

    /**
     * The constant's name in any case ({@code high} is {@code HIGH}: operators type filters by hand); an empty value is
     * no value ({@code ?level=} filters nothing), as a text parameter's blank is.
     */
    record EnumConverter<E extends Enum<E>>(Class<E> type, String parameter) implements ParamConverter<E> {

        @Override
        public E fromString(String value) {
            if (value == null || value.isBlank()) {
                return null;
            }
            String name = value.trim();
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equalsIgnoreCase(name)) {
                    return constant;
                }
            }
            String accepted = Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
            throw ProblemException.badRequest(parameter, "'" + abbreviated(value) + "' is not one of " + accepted);
        }

        @Override
        public String toString(E value) {
            return value == null ? null : value.name();
        }
    }

    record InstantConverter(String parameter) implements ParamConverter<Instant> {

        @Override
        public Instant fromString(String value) {
            if (value == null || value.isBlank()) {
                return null;
            }
            try {
                return Instant.parse(value.trim());
            } catch (DateTimeParseException e) {
                throw ProblemException.badRequest(parameter,
                        "'" + abbreviated(value) + "' is not an ISO-8601 instant in UTC such as 2026-12-01T08:00:00Z");
            }
        }

        @Override
        public String toString(Instant value) {
            return value == null ? null : value.toString();
        }
    }

    /** A number's range is the endpoint's to check (Bean Validation names its bounds); this refuses what is no number. */
    record WholeNumberConverter(String parameter) implements ParamConverter<Integer> {

        @Override
        public Integer fromString(String value) {
            if (value == null) {
                return null;
            }
            try {
                return Integer.valueOf(value.trim());
            } catch (NumberFormatException e) {
                throw ProblemException.badRequest(parameter, "'" + abbreviated(value) + "' is not a whole number");
            }
        }

        @Override
        public String toString(Integer value) {
            return value == null ? null : value.toString();
        }
    }

    record UuidConverter(String parameter) implements ParamConverter<UUID> {

        @Override
        public UUID fromString(String value) {
            if (value == null || value.isBlank()) {
                return null;
            }
            // UUID.fromString takes shortened groups ("1-2-3-4-5") and would answer another id than the one asked for.
            if (!CANONICAL_UUID.matcher(value.trim()).matches()) {
                throw ProblemException.badRequest(parameter,
                        "'" + abbreviated(value) + "' is not an id such as 3f2504e0-4f89-41d3-9a0c-0305e82c3301");
            }
            return UUID.fromString(value.trim());
        }

        @Override
        public String toString(UUID value) {
            return value == null ? null : value.toString();
        }
    }

    private static final Pattern CANONICAL_UUID = Pattern.compile("\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12}");

    /** The value is echoed to help the caller; a long one is cut so that an error stays an error, not a mirror. */
    private static String abbreviated(String value) {
        if (value.length() <= 64) {
            return value;
        }
        int end = Character.isHighSurrogate(value.charAt(63)) ? 63 : 64; // never half a character
        return value.substring(0, end) + "…";
    }
}
