package io.ascendant.tenancy.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class ValidationTest {

    @Test
    void acceptsIsoCurrencyAndIanaZone() {
        assertThat(Validation.currency("currency", "EUR")).isEqualTo("EUR");
        assertThat(Validation.timeZone("timeZone", "Asia/Shanghai")).isEqualTo("Asia/Shanghai");
    }

    @Test
    void storesPrefixedOffsetsAsPlainOffsets() {
        assertThat(Validation.timeZone("timeZone", "GMT+3")).isEqualTo("+03:00");
        assertThat(Validation.timeZone("timeZone", "UTC+3")).isEqualTo("+03:00");
        assertThat(Validation.timeZone("timeZone", "UT-05:30")).isEqualTo("-05:30");
        assertThat(Validation.timeZone("timeZone", "+05:30")).isEqualTo("+05:30");
    }

    @Test
    void keepsRegionIdsAndStoresZeroOffsetsAsUtc() {
        assertThat(Validation.timeZone("timeZone", "UTC")).isEqualTo("UTC");
        assertThat(Validation.timeZone("timeZone", "GMT")).isEqualTo("GMT");
        assertThat(Validation.timeZone("timeZone", "Etc/GMT-3")).isEqualTo("Etc/GMT-3");
        assertThat(Validation.timeZone("timeZone", "Z")).isEqualTo("UTC");
        assertThat(Validation.timeZone("timeZone", "+00:00")).isEqualTo("UTC");
        // ZoneId.of keeps a zero prefixed offset as the bare prefix, which is an IANA id.
        assertThat(Validation.timeZone("timeZone", "GMT+0")).isEqualTo("GMT");
    }

    @Test
    void rejectsOffsetsWithSeconds() {
        TenancyException.Invalid e =
                assertThrows(TenancyException.Invalid.class, () -> Validation.timeZone("timeZone", "+05:30:15"));

        assertThat(e.field()).isEqualTo("timeZone");
    }

    @Test
    void rejectsUnknownCurrencyNamingTheField() {
        TenancyException.Invalid e =
                assertThrows(TenancyException.Invalid.class, () -> Validation.currency("currency", "XYZ"));

        assertThat(e.field()).isEqualTo("currency");
        assertThat(e.getMessage()).contains("ISO 4217");
    }

    @Test
    void rejectsUnknownZoneNamingTheField() {
        TenancyException.Invalid e =
                assertThrows(TenancyException.Invalid.class, () -> Validation.timeZone("timeZone", "Mars/Olympus"));

        assertThat(e.field()).isEqualTo("timeZone");
    }

    @Test
    void modelStarOnlyWhereAllowed() {
        assertThat(Validation.model("model", "*", true)).isEqualTo("*");
        assertThrows(TenancyException.Invalid.class, () -> Validation.model("model", "*", false));
        assertThat(Validation.model("model", "deepseek-v4-flash", false)).isEqualTo("deepseek-v4-flash");
    }

    @Test
    void idsAreTimeOrderedVersion7() {
        UUID a = Ids.newId();
        UUID b = Ids.newId();

        assertThat(a.version()).isEqualTo(7);
        assertThat(a.variant()).isEqualTo(2);
        assertThat(a.getMostSignificantBits() >>> 16).isLessThanOrEqualTo(b.getMostSignificantBits() >>> 16);
    }

    @Test
    void cursorRoundTripsAndRejectsGarbage() {
        UUID id = Ids.newId();

        assertThat(Page.decode(Page.encode(id))).contains(id);
        TenancyException.Invalid e = assertThrows(TenancyException.Invalid.class, () -> Page.decode("%%%"));
        assertThat(e.field()).isEqualTo("cursor");
    }
}
