package io.ascendant.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Money amounts ({@link java.math.BigDecimal}) are written in plain notation in every JSON answer: a budget sent as
 * {@code 1e3} or {@code 1000} comes back as {@code 1000}, never {@code 1E+3}. Jackson's default writes a BigDecimal
 * with {@code toString()}, which uses scientific notation for a negative scale (what parsing {@code 1e3} or stripping
 * trailing zeros gives); clients and spreadsheets read amounts as decimal text.
 */
@Singleton
public class PlainDecimals implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.configure(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN, true);
    }
}
