package io.ascendant.admin.problem;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBase;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.MapType;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ArcContainer;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.core.CurrentRequestManager;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;

/**
 * Admin request bodies are read strictly (400 problem naming the field, via {@link ProblemMappers}): an unknown field
 * is refused, so a misspelt {@code budgetAmout} never silently leaves a budget unset; and scalar fields take only
 * their own JSON type, instead of Jackson's coercions:
 *
 * <ul>
 *   <li>a key may appear only once in an object, so {@code {"slug":"a","slug":"b"}} is refused naming {@code slug}
 *       instead of creating slug {@code b} (Jackson keeps the last value by default; the tenant API refuses duplicates
 *       too);
 *   <li>an integer field ({@code int}, {@code long}, {@code short}, {@code byte}, their wrappers, {@link BigInteger})
 *       takes only a JSON integer, so {@code "requestsPerMinute": 1.5}, {@code "5"} or {@code true} is refused
 *       instead of being stored as 1 or 5 (a quoted integer is told that counts are JSON integers and only money
 *       takes a decimal string, and a whole number written as a decimal, {@code 2.0} or {@code 1e3}, is told to
 *       write it as the JSON integer {@code 2} or {@code 1000}); an integer beyond the Java type's range (say
 *       {@code 99999999999999999999}) is refused naming the range the field accepts, its Bean Validation
 *       {@code @Min}/{@code @Max}/{@code @Positive}/{@code @PositiveOrZero} bounds where it has them;
 *   <li>a string field takes only a JSON string, so {@code "displayName": 5} is refused instead of stored as "5";
 *   <li>a boolean field takes only {@code true} or {@code false} (not {@code 1} or {@code "true"});
 *   <li>an enum field takes only a constant's name, so {@code "budgetPeriod": 1} is refused instead of read as the
 *       second constant;
 *   <li>a field whose JSON form is a string with a syntax ({@link java.time.Instant} and the other {@code java.time}
 *       types, {@link java.util.UUID}, {@link java.time.ZoneId}) takes only a string, so {@code "expiresAt": 5} is
 *       refused instead of read as 5 seconds after 1970, and so is a date-time written as a number in a string
 *       ({@code "effectiveFrom": "1796124188"}), which Jackson would read the same way;
 *   <li>an instant or date outside 1970 to 9999 ({@link AdminInstants}) is refused naming the range, instead of
 *       failing later in PostgreSQL or in epoch-millisecond arithmetic as a 500.
 * </ul>
 *
 * <p>Money ({@link java.math.BigDecimal}) is not wrapped: it takes a JSON number or a decimal string ({@code 12.5} or
 * {@code "12.5"}), both read exactly, because JavaScript clients (the console) hold amounts as strings to keep them off
 * binary floats.
 *
 * <p>The application's one {@link ObjectMapper} is lenient (Quarkus's and Jackson's defaults: unknown fields ignored,
 * floats truncated into integers, scalars coerced), which the tenant API relies on for unknown fields: OpenAI and
 * Anthropic clients send fields we do not model (the tenant API validates its own numbers on the JSON tree). Jackson's
 * coercion settings ({@code CoercionConfig}) belong to a mapper, not to a request, so these checks decide per request
 * instead: they fail only while a request under {@code /admin/} is being read.
 */
@Singleton
public class StrictAdminBodies implements ObjectMapperCustomizer {

    private final BooleanSupplier strict;

    /** Strict while the current request's path is under {@code /admin/}. */
    public StrictAdminBodies() {
        this(StrictAdminBodies::onAdminPath);
    }

    /** Strict whenever {@code strict} says so (tests). */
    StrictAdminBodies(BooleanSupplier strict) {
        this.strict = strict;
    }

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.addHandler(new DeserializationProblemHandler() {
            @Override
            public boolean handleUnknownProperty(
                    DeserializationContext ctxt,
                    JsonParser p,
                    JsonDeserializer<?> deserializer,
                    Object beanOrClass,
                    String propertyName)
                    throws IOException {
                if (strict.getAsBoolean()) {
                    throw UnrecognizedPropertyException.from(
                            p,
                            beanOrClass,
                            propertyName,
                            deserializer == null ? null : deserializer.getKnownPropertyNames());
                }
                return false;
            }
        });
        SimpleModule module = new SimpleModule("ascendant-strict-admin-scalars");
        module.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public JsonDeserializer<?> modifyDeserializer(
                    DeserializationConfig config, BeanDescription beanDesc, JsonDeserializer<?> deserializer) {
                Class<?> raw = beanDesc.getBeanClass();
                Kind kind = Kind.of(raw);
                if (kind != null) {
                    return new StrictScalar(deserializer, raw, kind, strict, null);
                }
                return deserializer instanceof BeanDeserializerBase
                        ? new UniqueKeys(deserializer, strict)
                        : deserializer;
            }

            @Override
            public JsonDeserializer<?> modifyMapDeserializer(
                    DeserializationConfig config,
                    MapType type,
                    BeanDescription beanDesc,
                    JsonDeserializer<?> deserializer) {
                return new UniqueKeys(deserializer, strict);
            }

            @Override
            public JsonDeserializer<?> modifyEnumDeserializer(
                    DeserializationConfig config,
                    JavaType type,
                    BeanDescription beanDesc,
                    JsonDeserializer<?> deserializer) {
                return new StrictScalar(deserializer, type.getRawClass(), Kind.ENUM_NAME, strict, null);
            }
        });
        mapper.registerModule(module);
    }

    /**
     * Whether a request under {@code /admin/} is being served. False outside a CDI request context: Jackson also reads
     * JSON on event loops with no request (OIDC discovery, REST clients), where asking for the current request fails.
     */
    static boolean onAdminPath() {
        ArcContainer arc = Arc.container();
        if (arc == null || !arc.requestContext().isActive()) {
            return false;
        }
        ResteasyReactiveRequestContext rc = CurrentRequestManager.get();
        if (rc == null) {
            return false;
        }
        String path = rc.getPath();
        return path != null && (path.startsWith(ProblemMappers.ADMIN_PREFIX) || path.equals("/admin"));
    }

    /**
     * An admin body's field held a value of the wrong JSON type or out of range; the message says what the field takes
     * (never the value itself, which could be a secret). {@link ProblemMappers} prefixes the field's path.
     */
    static final class Refusal extends MismatchedInputException {
        Refusal(JsonParser p, String message, Class<?> targetType) {
            super(p, message, targetType);
        }
    }

    /**
     * Wraps the deserializer of an object (record, bean, map): when strict, it switches the parser's duplicate-key
     * detection on before the object's first key is read, so {@code {"slug":"a","slug":"b"}} is refused ("field
     * {@code slug} appears more than once", {@link JsonSyntaxErrors}) instead of silently keeping the last value.
     * Jackson's parser gives every object opened after this one a child detector, so nested objects are checked too.
     * The feature is per parser, i.e. per request body: other requests' parsers keep the mapper's lenient default.
     */
    static final class UniqueKeys extends DelegatingDeserializer {
        private final BooleanSupplier strict;

        UniqueKeys(JsonDeserializer<?> delegate, BooleanSupplier strict) {
            super(delegate);
            this.strict = strict;
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
            return new UniqueKeys(newDelegatee, strict);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            detectDuplicates(p);
            return super.deserialize(p, ctxt);
        }

        @Override
        public Object deserializeWithType(
                JsonParser p, DeserializationContext ctxt, com.fasterxml.jackson.databind.jsontype.TypeDeserializer t)
                throws IOException {
            detectDuplicates(p);
            return super.deserializeWithType(p, ctxt, t);
        }

        private void detectDuplicates(JsonParser p) {
            if (!p.isEnabled(JsonParser.Feature.STRICT_DUPLICATE_DETECTION) && strict.getAsBoolean()) {
                p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            }
        }
    }

    /** The scalar kinds read strictly, by the JSON tokens each accepts. */
    enum Kind {
        WHOLE_NUMBER,
        STRING,
        BOOLEAN,
        /** A string with a syntax of its own (instants, dates, UUIDs, zones). */
        TEXTUAL_VALUE,
        /** An enum constant's name; Jackson would otherwise take a number as the constant's ordinal. */
        ENUM_NAME;

        static Kind of(Class<?> type) {
            if (ExpectedValues.isWholeNumber(type)) {
                return WHOLE_NUMBER;
            }
            if (type == String.class) {
                return STRING;
            }
            if (type == boolean.class || type == Boolean.class) {
                return BOOLEAN;
            }
            return ExpectedValues.textual(type) != null ? TEXTUAL_VALUE : null;
        }

        boolean accepts(JsonToken t) {
            return switch (this) {
                case WHOLE_NUMBER -> t == JsonToken.VALUE_NUMBER_INT;
                case STRING, TEXTUAL_VALUE, ENUM_NAME -> t == JsonToken.VALUE_STRING;
                case BOOLEAN -> t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE;
            };
        }
    }

    /**
     * Wraps Jackson's deserializer of a scalar type: when strict, a token of another JSON type, or an integer beyond
     * the Java type's range, is a {@link Refusal} (the bean deserializer adds the field's path; {@link ProblemMappers}
     * names it). Null keeps Jackson's handling. Contextualised per property so an out-of-range message can name the
     * property's Bean Validation bounds.
     */
    static final class StrictScalar extends DelegatingDeserializer {
        /** A number written as a string ({@code "1796124188"}, {@code " -1.5 "}), which Jackson reads as epoch time. */
        private static final Pattern NUMBER_IN_A_STRING = Pattern.compile("\\s*[+-]?[0-9]+(\\.[0-9]*)?\\s*");

        private final Class<?> type;
        private final Kind kind;
        private final BooleanSupplier strict;
        /** {@code {min, max}} the field accepts, or null for the type's own range. */
        private final long[] bounds;

        StrictScalar(JsonDeserializer<?> delegate, Class<?> type, Kind kind, BooleanSupplier strict, long[] bounds) {
            super(delegate);
            this.type = type;
            this.kind = kind;
            this.strict = strict;
            this.bounds = bounds;
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
            return new StrictScalar(newDelegatee, type, kind, strict, bounds);
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property)
                throws JsonMappingException {
            JsonDeserializer<?> contextual = super.createContextual(ctxt, property);
            if (kind != Kind.WHOLE_NUMBER || property == null || !(contextual instanceof StrictScalar s)) {
                return contextual;
            }
            long[] declared = declaredBounds(property, type);
            return declared == null ? contextual : new StrictScalar(s._delegatee, type, kind, strict, declared);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            // Strictness is asked only for a value it would refuse: a well-typed value costs one token comparison.
            JsonToken t = p.currentToken();
            if (t != JsonToken.VALUE_NULL && !kind.accepts(t) && strict.getAsBoolean()) {
                throw new Refusal(p, refusal(p, t), type);
            }
            if (kind == Kind.TEXTUAL_VALUE
                    && t == JsonToken.VALUE_STRING
                    && ExpectedValues.isDateTime(type)
                    && NUMBER_IN_A_STRING.matcher(p.getText()).matches()
                    && strict.getAsBoolean()) {
                // Jackson reads "1796124188" as seconds since 1970: a client that meant one wrote no ISO-8601 form.
                throw new Refusal(p, "expected " + ExpectedValues.describe(type) + ", got a number in a string", type);
            }
            if (kind == Kind.WHOLE_NUMBER
                    && t == JsonToken.VALUE_NUMBER_INT
                    && type != BigInteger.class
                    && !fitsType(p)
                    && strict.getAsBoolean()) {
                throw new Refusal(p, outOfRange(), type);
            }
            Object value = super.deserialize(p, ctxt);
            if (kind == Kind.TEXTUAL_VALUE && value != null) {
                // An instant or date beyond what PostgreSQL and epoch-millisecond arithmetic hold (AdminInstants).
                Integer year = AdminInstants.yearOutsideRange(value);
                if (year != null && strict.getAsBoolean()) {
                    throw new Refusal(p, AdminInstants.outOfRange(type, year), type);
                }
            }
            return value;
        }

        /** "expected an integer between min and max": the field's bounds, else its type's range. */
        private String outOfRange() {
            long min = bounds == null ? ExpectedValues.minOf(type) : bounds[0];
            long max = bounds == null ? ExpectedValues.maxOf(type) : bounds[1];
            return "expected " + ExpectedValues.integerBetween(min, max);
        }

        /**
         * "expected ..., got ...". A quoted whole number ({@code "budgetTokens":"100"}) is told apart from a quoted
         * money amount, which is accepted: counts are JSON integers only, and only money takes a decimal string. A
         * whole number written with an exponent ({@code 1e30}) beyond the type's range is not called fractional but
         * out of range, with the field's range, as the same number written as an integer is.
         */
        private String refusal(JsonParser p, JsonToken t) throws IOException {
            if (kind == Kind.WHOLE_NUMBER && t == JsonToken.VALUE_NUMBER_FLOAT) {
                BigDecimal v = wholeValue(p);
                if (v != null
                        && type != BigInteger.class
                        && (v.compareTo(BigDecimal.valueOf(ExpectedValues.minOf(type))) < 0
                                || v.compareTo(BigDecimal.valueOf(ExpectedValues.maxOf(type))) > 0)) {
                    return outOfRange() + ", got " + v + ", which is out of range";
                }
                // The number as the client wrote it: a count, unlike money, is never anything else (not secret).
                String written = p.getText();
                if (v != null) {
                    return "expected a whole number written as a JSON integer (" + v.toPlainString() + ", not "
                            + written + "), got " + written;
                }
                return "expected a whole number, got " + written;
            }
            String got = "got " + describe(t);
            if (kind == Kind.WHOLE_NUMBER && t == JsonToken.VALUE_STRING) {
                return "expected " + ExpectedValues.WHOLE_NUMBER_NOT_STRING + ", " + got + " (only money amounts are"
                        + " accepted as decimal strings)";
            }
            return "expected " + ExpectedValues.describe(type) + ", " + got;
        }

        /** The value of a number token if it is whole ({@code 1e30}, {@code 100.0}), else null. */
        private static BigDecimal wholeValue(JsonParser p) {
            try {
                BigDecimal v = p.getDecimalValue();
                return v.signum() == 0 || v.stripTrailingZeros().scale() <= 0 ? v.stripTrailingZeros() : null;
            } catch (IOException | NumberFormatException e) {
                return null;
            }
        }

        private boolean fitsType(JsonParser p) throws IOException {
            JsonParser.NumberType n = p.getNumberType();
            if (n == JsonParser.NumberType.BIG_INTEGER) {
                return false;
            }
            long v = p.getLongValue();
            return v >= ExpectedValues.minOf(type) && v <= ExpectedValues.maxOf(type);
        }

        /** {@code {min, max}} from the property's Bean Validation constraints, within the type's range; null if none. */
        private static long[] declaredBounds(BeanProperty property, Class<?> type) {
            long min = ExpectedValues.minOf(type);
            long max = ExpectedValues.maxOf(type);
            boolean found = false;
            Min minAnn = property.getAnnotation(Min.class);
            if (minAnn != null) {
                min = Math.max(min, minAnn.value());
                found = true;
            }
            Max maxAnn = property.getAnnotation(Max.class);
            if (maxAnn != null) {
                max = Math.min(max, maxAnn.value());
                found = true;
            }
            if (property.getAnnotation(PositiveOrZero.class) != null) {
                min = Math.max(min, 0);
                found = true;
            }
            if (property.getAnnotation(Positive.class) != null) {
                min = Math.max(min, 1);
                found = true;
            }
            return found ? new long[] {min, max} : null;
        }

        private static String describe(JsonToken t) {
            if (t == null) {
                return "nothing";
            }
            return switch (t) {
                case VALUE_NUMBER_FLOAT -> "a fractional number";
                case VALUE_NUMBER_INT -> "a number";
                case VALUE_STRING -> "a string";
                case VALUE_TRUE, VALUE_FALSE -> "a boolean";
                case START_ARRAY -> "an array";
                case START_OBJECT -> "an object";
                default -> t.asString() == null ? t.name() : t.asString();
            };
        }
    }
}
