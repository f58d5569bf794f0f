package io.restartwatch.support.rest;

import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import java.util.function.Function;
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
        String name = parameterName(annotations);
        if (rawType.isEnum()) {
            // Any case (operators type filters by hand); an empty value is no value, as a text parameter's blank is.
            Class<? extends Enum> type = rawType.asSubclass(Enum.class);
            String accepted = Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
            return (ParamConverter<T>) new Converter<>(name, true, value -> constantNamed(type, value), "is not one of " + accepted);
        }
        if (rawType == Instant.class) {
            return (ParamConverter<T>) new Converter<>(name, true, Instant::parse, "is not an ISO-8601 instant in UTC such as 2026-12-01T08:00:00Z");
        }
        if (rawType == int.class || rawType == Integer.class) {
            // The range is the endpoint's to check (Bean Validation names its bounds); this refuses what is no number.
            return (ParamConverter<T>) new Converter<>(name, false, Integer::valueOf, "is not a whole number");
        }
        if (rawType == UUID.class) {
            // UUID.fromString takes shortened groups ("1-2-3-4-5") and would answer another id than the one asked for.
            return (ParamConverter<T>) new Converter<>(name, true, value -> CANONICAL_UUID.matcher(value).matches() ? UUID.fromString(value) : null,
                    "is not an id such as 3f2504e0-4f89-41d3-9a0c-0305e82c3301");
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

    private static <E extends Enum<E>> E constantNamed(Class<E> type, String name) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(name)) {
                return constant;
            }
        }
        return null;
    }

    /**
     * Converts a trimmed value with {@code parse}; one it refuses (null or an exception) is a 400 naming the parameter:
     * {@code '<value>' <refusal>}. A blank value is no value when {@code blankIsNone}.
     */
    record Converter<T>(String parameter, boolean blankIsNone, Function<String, T> parse, String refusal) implements ParamConverter<T> {

        @Override
        public T fromString(String value) {
            if (value == null || blankIsNone && value.isBlank()) {
                return null;
            }
            T converted;
            try {
                converted = parse.apply(value.trim());
            } catch (RuntimeException refused) {
                converted = null;
            }
            if (converted == null) {
                throw ProblemException.badRequest(parameter, "'" + abbreviated(value) + "' " + refusal);
            }
            return converted;
        }

        @Override
        public String toString(T value) {
            return value == null ? null : value instanceof Enum<?> constant ? constant.name() : value.toString();
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
