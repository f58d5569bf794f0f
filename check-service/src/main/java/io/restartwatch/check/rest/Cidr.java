package io.restartwatch.check.rest;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import io.restartwatch.support.net.CidrRange;

/** An IPv4 or IPv6 range in CIDR notation, e.g. {@code 10.0.0.0/8} or {@code ::/0}. */
@Documented
@Constraint(validatedBy = Cidr.Validator.class)
@Target({ElementType.FIELD, ElementType.TYPE_USE, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
public @interface Cidr {

    String message() default "must be a CIDR range such as 10.0.0.0/8, 0.0.0.0/0 or ::/0";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Parsed by service-support's {@link CidrRange}, the parser priority-service classifies the same sources with. */
    class Validator implements ConstraintValidator<Cidr, String> {

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || CidrRange.parseWithPrefix(value).isPresent();
        }
    }
}
