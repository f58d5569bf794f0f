package io.restartwatch.support.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrRangeTest {

    @ParameterizedTest
    @CsvSource({
            "10.0.0.0/8,          10.0.0.0/8",
            "' 10.1.2.3/8 ',      10.0.0.0/8",
            "0.0.0.0/0,           0.0.0.0/0",
            "192.168.1.7,         192.168.1.7/32",
            "::/0,                0:0:0:0:0:0:0:0/0",
            "0:0::0/0,            0:0:0:0:0:0:0:0/0",
            "2001:db8::/32,       2001:db8:0:0:0:0:0:0/32",
            "::ffff:10.0.0.0/104, 10.0.0.0/8",
            "::ffff:0:0/96,       0.0.0.0/0",
            "::1,                 0:0:0:0:0:0:0:1/128"})
    void readsRangesAndAddresses(String text, String range) {
        assertThat(CidrRange.parse(text)).hasValueSatisfying(parsed -> assertThat(parsed.toString()).isEqualTo(range));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/8", "10.0.0.0/33", "::/129", "10.0.0/8", "010.0.0.0/8", "12345", "1.2.3.4/8/8",
            "10.0.0.0/-1", "10.0.0.0/ 8x", "localhost", "example.com/8", "fe80::1%eth0/64", "::ffff:1.2.3.4/129", "1.2.3.256"})
    void refusesWhatIsNotALiteralRange(String text) {
        assertThat(CidrRange.parse(text)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"10.0.0.1, 10.0.0.1/32", "::1, ::1/128"})
    void aDeclaredSourceNeedsItsPrefix(String bare, String withPrefix) {
        assertThat(CidrRange.parseWithPrefix(bare)).isEmpty();
        assertThat(CidrRange.parseWithPrefix(withPrefix)).isPresent();
    }

    @ParameterizedTest
    @CsvSource({
            "10.0.0.0/8,     10.255.1.2,      true",
            "10.0.0.0/8,     11.0.0.1,        false",
            "172.16.0.0/12,  172.31.255.255,  true",
            "172.16.0.0/12,  172.32.0.0,      false",
            "0.0.0.0/0,      ::1,             false",
            "fe80::/10,      febf:ffff::1,    true",
            "fe80::/10,      fec0::1,         false",
            "::/0,           203.0.113.9,     false"})
    void containsAddressesOfItsFamilyOnly(String range, String address, boolean contained) throws Exception {
        assertThat(CidrRange.parse(range).orElseThrow().contains(InetAddress.getByName(address))).isEqualTo(contained);
    }

    @ParameterizedTest
    @CsvSource({
            "10.0.0.0/8,     10.1.0.0/16,  true",
            "10.1.0.0/16,    10.0.0.0/8,   false",
            "0.0.0.0/0,      8.8.8.8/32,   true",
            "0.0.0.0/0,      ::/0,         false",
            "2000::/3,       2001:db8::/32, true"})
    void containsWholeRanges(String outer, String inner, boolean contained) {
        assertThat(CidrRange.parse(outer).orElseThrow().contains(CidrRange.parse(inner).orElseThrow())).isEqualTo(contained);
    }

    @ParameterizedTest
    @CsvSource({"0.0.0.0/0, true", "::/0, true", "0.0.0.0/1, false"})
    void anywhereIsAZeroLengthPrefix(String range, boolean anywhere) {
        assertThat(CidrRange.parse(range).orElseThrow().isAnywhere()).isEqualTo(anywhere);
    }
}
