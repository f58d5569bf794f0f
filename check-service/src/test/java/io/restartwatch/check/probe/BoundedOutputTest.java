package io.restartwatch.check.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class BoundedOutputTest {

    @Test
    void keepsUpToTheCapAndSignalsTheOverflowOnce() {
        AtomicInteger overflows = new AtomicInteger();
        BoundedOutput out = new BoundedOutput(10, overflows::incrementAndGet);
        out.write("0123456789".getBytes(StandardCharsets.UTF_8), 0, 10);
        assertThat(out.overflowed()).isFalse();
        out.write('x');
        out.write(new byte[1_000_000], 0, 1_000_000);
        assertThat(out.overflowed()).isTrue();
        assertThat(overflows).hasValue(1);
        assertThat(out.size()).isEqualTo(10);
        assertThat(out.text()).isEqualTo("0123456789");
    }
}
