package io.restartwatch.check.rest;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/** An IPv4 or IPv6 range in CIDR notation, e.g. {@code 10.0.0.0/8} or {@code ::/0}. */
@Documented
@Constraint(validatedBy = Cidr.Validator.class)
@Target({ElementType.FIELD, ElementType.TYPE_USE, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
public @interface Cidr {

    String message() default "must be a CIDR range such as 10.0.0.0/8, 0.0.0.0/0 or ::/0";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<Cidr, String> {

        private static final Pattern IPV4 = Pattern.compile(
                "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
        private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]{2,45}");
        private static final Pattern PREFIX = Pattern.compile("\\d{1,3}");

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            int slash = value.indexOf('/');
            if (slash < 0 || slash != value.lastIndexOf('/')) {
                return false;
            }
            String address = value.substring(0, slash);
            String prefix = value.substring(slash + 1);
            if (!PREFIX.matcher(prefix).matches()) {
                return false;
            }
            int bits = Integer.parseInt(prefix);
            if (IPV4.matcher(address).matches()) {
                return bits <= 32;
            }
            return address.contains(":") && IPV6_CHARS.matcher(address).matches() && isIpv6Literal(address) && bits <= 128;
        }

        /** Only called on strings of hex digits, colons and dots, so no name lookup can happen. */
        private static boolean isIpv6Literal(String address) {
            try {
                return InetAddress.getByName(address).getAddress().length == 16;
            } catch (UnknownHostException e) {
                return false;
            }
        }
    }
}
