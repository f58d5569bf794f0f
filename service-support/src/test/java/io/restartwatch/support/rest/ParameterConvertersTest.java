package io.restartwatch.support.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.ext.ParamConverter;

import org.jboss.resteasy.reactive.RestPath;
import org.junit.jupiter.api.Test;

/**
 * A parameter value the endpoint cannot take is a 400 naming the parameter and what it accepts, both when our
 * converters refuse it and when another converter fails inside the parameter handler (which wraps it in a 404).
 */
class ParameterConvertersTest {

    enum Colour { RED, GREEN }

    @SuppressWarnings("unused")
    void endpoint(@QueryParam("colour") Colour colour, @RestPath("since") Instant since, Colour unnamed) {
    }

    private final ParameterConverters converters = new ParameterConverters();
    private final ProblemMappers mappers = new ProblemMappers();

    @Test
    void anEnumTakesItsConstantsNamesAndRefusesAnythingElseNamingTheParameter() throws Exception {
        ParamConverter<Colour> colour = converters.getConverter(Colour.class, Colour.class, annotations(0));
        assertThat(colour.fromString("GREEN")).isEqualTo(Colour.GREEN);
        assertThat(colour.toString(Colour.RED)).isEqualTo("RED");

        assertThat(colour.fromString(" green")).as("any case, trimmed").isEqualTo(Colour.GREEN);
        assertThat(colour.fromString("")).as("an empty value is no value").isNull();

        ProblemException refused = catchThrowableOfType(ProblemException.class, () -> colour.fromString("blue"));
        assertThat(refused.problem().status()).isEqualTo(400);
        assertThat(refused.problem().errors()).singleElement().satisfies(error -> {
            assertThat(error.field()).isEqualTo("colour");
            assertThat(error.message()).isEqualTo("'blue' is not one of RED, GREEN");
        });
        assertThat(refused.problem().detail()).doesNotContain(Colour.class.getName());

        ParamConverter<Colour> unnamed = converters.getConverter(Colour.class, Colour.class, annotations(2));
        assertThat(catchThrowableOfType(ProblemException.class, () -> unnamed.fromString("BLUE")).problem().errors())
                .singleElement().satisfies(error -> assertThat(error.field()).isEqualTo(ParameterConverters.UNNAMED));
    }

    @Test
    void anInstantIsIso8601AndAnEchoedValueIsCut() throws Exception {
        ParamConverter<Instant> since = converters.getConverter(Instant.class, Instant.class, annotations(1));
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        assertThat(since.fromString(now.toString())).isEqualTo(now);

        ProblemException refused = catchThrowableOfType(ProblemException.class, () -> since.fromString("yesterday" + "x".repeat(500)));
        assertThat(refused.problem().errors()).singleElement().satisfies(error -> {
            assertThat(error.field()).isEqualTo("since");
            assertThat(error.message()).contains("ISO-8601").hasSizeLessThan(200);
        });
        assertThat(converters.getConverter(String.class, String.class, annotations(0))).as("other types: the defaults").isNull();
    }

    @Test
    void aWholeNumberAndAnIdRefuseWhatTheyCannotBeNamingTheParameter() throws Exception {
        ParamConverter<Integer> page = converters.getConverter(int.class, int.class, annotations(0));
        assertThat(page.fromString(" 42")).isEqualTo(42);
        for (String notANumber : new String[] {"two", "", "1.5", "99999999999"}) {
            assertThat(catchThrowableOfType(ProblemException.class, () -> page.fromString(notANumber)).problem().errors())
                    .as(notANumber).singleElement().satisfies(error -> {
                        assertThat(error.field()).isEqualTo("colour");
                        assertThat(error.message()).isEqualTo("'" + notANumber + "' is not a whole number");
                    });
        }

        ParamConverter<UUID> id = converters.getConverter(UUID.class, UUID.class, annotations(1));
        UUID known = UUID.randomUUID();
        assertThat(id.fromString(known.toString().toUpperCase())).isEqualTo(known);
        // UUID.fromString("1-2-3-4-5") is 00000001-0002-0003-0004-000000000005: another id than the one asked for.
        for (String notAnId : new String[] {"1-2-3-4-5", "not-a-uuid", known + "0"}) {
            assertThat(catchThrowableOfType(ProblemException.class, () -> id.fromString(notAnId)).problem().errors())
                    .as(notAnId).singleElement().satisfies(error -> {
                        assertThat(error.field()).isEqualTo("since");
                        assertThat(error.message()).startsWith("'" + notAnId + "' is not an id");
                    });
        }
    }

    @Test
    void aConversionFailureWrappedInA404IsA400AndA404OfItsOwnStaysA404() {
        ProblemException refused = ProblemException.badRequest("status", "'BOGUS' is not one of OPEN, CLEARED");
        Problem named = (Problem) mappers.webApplication(new NotFoundException(refused)).getEntity();
        assertThat(named.status()).isEqualTo(400);
        assertThat(named.errors()).singleElement().satisfies(error -> assertThat(error.field()).isEqualTo("status"));

        Problem number = (Problem) mappers.webApplication(new NotFoundException(new NumberFormatException("For input string: \"abc\"")))
                .getEntity();
        assertThat(number.status()).isEqualTo(400);
        assertThat(number.detail()).contains("its type cannot take");

        assertThat(mappers.webApplication(new NotFoundException("HTTP 404 Not Found")).getStatus()).isEqualTo(404);
    }

    private Annotation[] annotations(int parameter) throws NoSuchMethodException {
        Method endpoint = getClass().getDeclaredMethod("endpoint", Colour.class, Instant.class, Colour.class);
        return endpoint.getParameterAnnotations()[parameter];
    }
}
