package io.ascendant.admin.problem;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.jboss.resteasy.reactive.server.core.CurrentRequestManager;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;

/**
 * Admin request bodies are read strictly (400 problem naming the field, via {@link ProblemMappers}): an unknown field
 * is refused, so a misspelt {@code budgetAmout} never silently leaves a budget unset; and an integer field
 * ({@code int}, {@code long}, {@code short}, their wrappers, {@link BigInteger}) takes only a JSON integer, so
 * {@code "requestsPerMinute": 1.5}, {@code "5"} or {@code true} is refused instead of being stored as 1 or 5.
 *
 * <p>The application's one {@link ObjectMapper} is lenient (Quarkus's and Jackson's defaults: unknown fields ignored,
 * floats truncated into integers, numeric strings coerced), which the tenant API relies on for unknown fields: OpenAI
 * and Anthropic clients send fields we do not model (the tenant API validates its own numbers on the JSON tree). So
 * these checks decide per request: they fail only while a request under {@code /admin/} is being read.
 */
@Singleton
public class StrictAdminBodies implements ObjectMapperCustomizer {

    private static final Set<Class<?>> INTEGER_TYPES = Set.of(
            int.class,
            Integer.class,
            long.class,
            Long.class,
            short.class,
            Short.class,
            byte.class,
            Byte.class,
            BigInteger.class);

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
        SimpleModule module = new SimpleModule("ascendant-strict-admin-integers");
        module.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public JsonDeserializer<?> modifyDeserializer(
                    DeserializationConfig config, BeanDescription beanDesc, JsonDeserializer<?> deserializer) {
                Class<?> raw = beanDesc.getBeanClass();
                return INTEGER_TYPES.contains(raw) ? new WholeNumberOnly(deserializer, raw, strict) : deserializer;
            }
        });
        mapper.registerModule(module);
    }

    static boolean onAdminPath() {
        ResteasyReactiveRequestContext rc = CurrentRequestManager.get();
        if (rc == null) {
            return false;
        }
        String path = rc.getPath();
        return path != null && (path.startsWith(ProblemMappers.ADMIN_PREFIX) || path.equals("/admin"));
    }

    /** An admin body's integer field held something else; the message says what (never the value itself). */
    static final class NotAWholeNumber extends MismatchedInputException {
        NotAWholeNumber(JsonParser p, String message, Class<?> targetType) {
            super(p, message, targetType);
        }
    }

    /**
     * Wraps Jackson's integer deserializer: when strict, anything but a JSON integer is a {@link MismatchedInputException}
     * (the bean deserializer adds the field's path; {@link ProblemMappers} names it). Null keeps Jackson's handling.
     */
    static final class WholeNumberOnly extends DelegatingDeserializer {
        private final Class<?> type;
        private final BooleanSupplier strict;

        WholeNumberOnly(JsonDeserializer<?> delegate, Class<?> type, BooleanSupplier strict) {
            super(delegate);
            this.type = type;
            this.strict = strict;
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
            return new WholeNumberOnly(newDelegatee, type, strict);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken t = p.currentToken();
            if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NULL && strict.getAsBoolean()) {
                throw new NotAWholeNumber(p, "expected a whole number, got " + describe(t), type);
            }
            return super.deserialize(p, ctxt);
        }

        private static String describe(JsonToken t) {
            if (t == null) {
                return "nothing";
            }
            return switch (t) {
                case VALUE_NUMBER_FLOAT -> "a fractional number";
                case VALUE_STRING -> "a string";
                case VALUE_TRUE, VALUE_FALSE -> "a boolean";
                case START_ARRAY -> "an array";
                case START_OBJECT -> "an object";
                default -> t.asString() == null ? t.name() : t.asString();
            };
        }
    }
}
