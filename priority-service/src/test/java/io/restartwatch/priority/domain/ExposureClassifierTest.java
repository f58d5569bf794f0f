package io.restartwatch.priority.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.OpenPort;
import org.junit.jupiter.api.Test;

/** Ranges that together let in the whole internet are "anywhere", however they are written. */
class ExposureClassifierTest {

    @Test
    void theIpv4InternetInHalvesOrQuartersIsPublic() {
        assertThat(classify("0.0.0.0/1", "128.0.0.0/1")).isEqualTo(Exposure.PUBLIC);
        assertThat(classify("0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2")).isEqualTo(Exposure.PUBLIC);
        assertThat(ExposureClassifier.describe(List.of(port("0.0.0.0/1", "128.0.0.0/1")), Exposure.PUBLIC))
                .isEqualTo("port 443/tcp open to 0.0.0.0/1, 128.0.0.0/1 (together: every public address)");
    }

    @Test
    void everyGlobalIpv6AddressIsPublic() {
        assertThat(classify("2000::/3")).isEqualTo(Exposure.PUBLIC);
        assertThat(classify("2000::/4", "3000::/4")).isEqualTo(Exposure.PUBLIC);
    }

    @Test
    void theWholeInternetButPrivateSpaceIsStillTheWholeInternet() {
        // Every /8 but 10/8 and 127/8, and everything from 128 on: nothing public is left out.
        List<String> sources = new ArrayList<>();
        for (int first = 0; first < 128; first++) {
            if (first != 10 && first != 127) {
                sources.add(first + ".0.0.0/8");
            }
        }
        sources.add("128.0.0.0/1");
        assertThat(classify(sources.toArray(String[]::new))).isEqualTo(Exposure.PUBLIC);
    }

    @Test
    void leavingOutAnyPublicRangeIsRestrictedNotPublic() {
        assertThat(classify("0.0.0.0/1")).isEqualTo(Exposure.RESTRICTED);
        assertThat(classify("0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/3")).isEqualTo(Exposure.PUBLIC); // 224/3 is not public
        assertThat(classify("0.0.0.0/1", "128.0.0.0/2")).isEqualTo(Exposure.RESTRICTED); // 192.x public space left out
        assertThat(classify("2000::/4")).isEqualTo(Exposure.RESTRICTED);
        // Halves of two families do not add up: each family must be covered on its own.
        assertThat(classify("0.0.0.0/1", "2000::/4")).isEqualTo(Exposure.RESTRICTED);
    }

    @Test
    void rangesOfDifferentPortsDoNotAddUp() {
        assertThat(ExposureClassifier.classify(List.of(port("0.0.0.0/1"), new OpenPort(22, "tcp", List.of("128.0.0.0/1")))))
                .isEqualTo(Exposure.RESTRICTED);
    }

    @Test
    void privateRangesStayInternalAndZeroPrefixesStayPublic() {
        assertThat(classify("10.0.0.0/8", "192.168.0.0/16", "fc00::/7")).isEqualTo(Exposure.INTERNAL);
        assertThat(classify("0.0.0.0/0")).isEqualTo(Exposure.PUBLIC);
        assertThat(classify("0:0::0/0")).isEqualTo(Exposure.PUBLIC);
    }

    private static Exposure classify(String... sources) {
        return ExposureClassifier.classify(List.of(port(sources)));
    }

    private static OpenPort port(String... sources) {
        return new OpenPort(443, "tcp", List.of(sources));
    }
}
