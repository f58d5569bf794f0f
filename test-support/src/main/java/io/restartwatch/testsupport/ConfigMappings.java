package io.restartwatch.testsupport;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.validator.BeanValidationConfigValidator;

/**
 * What a service says at start-up about a config mapping's values, without starting it: the same SmallRye Config
 * mapping and Bean Validation of its constraints that Quarkus runs (with quarkus-hibernate-validator) before anything
 * else, so a value out of range stops the service naming the key instead of misbehaving later.
 */
public final class ConfigMappings {

    private ConfigMappings() {
    }

    /**
     * Asserts that the mapping's defaults are valid, and that each of {@code outOfRange}'s keys is then refused with one
     * problem of its own, which names it (as the start-up message does: {@code <key> must be …}), and nothing else is.
     */
    public static void assertRefusesEach(Class<?> mapping, Map<String, String> outOfRange) {
        List<String> withDefaults = problems(mapping, Map.of());
        if (!withDefaults.isEmpty()) {
            throw new AssertionError("the defaults of " + mapping.getSimpleName() + " are refused: " + withDefaults);
        }
        List<String> problems = problems(mapping, outOfRange);
        for (String key : outOfRange.keySet()) {
            if (problems.stream().noneMatch(problem -> problem.startsWith(key + " "))) {
                throw new AssertionError(key + "=" + outOfRange.get(key) + " was not refused; problems: " + problems);
            }
        }
        if (problems.size() != outOfRange.size()) {
            throw new AssertionError("expected one problem per key of " + outOfRange + ", got " + problems);
        }
    }

    /** The problems found in {@code mapping} read from {@code properties} (and its defaults); empty when it is valid. */
    public static List<String> problems(Class<?> mapping, Map<String, String> properties) {
        try (ValidatorFactory factory = Validation.buildDefaultValidatorFactory()) {
            Validator validator = factory.getValidator();
            new SmallRyeConfigBuilder()
                    .withSources(new PropertiesConfigSource(properties, "test", 500))
                    .withConverter(Duration.class, 200, new DurationConverter()) // Quarkus's: "30s" as well as "PT30S"
                    .withMapping(mapping)
                    .withValidator((BeanValidationConfigValidator) () -> validator)
                    .build();
            return List.of();
        } catch (ConfigValidationException e) {
            return IntStream.range(0, e.getProblemCount()).mapToObj(i -> e.getProblem(i).getMessage()).toList();
        }
    }
}
