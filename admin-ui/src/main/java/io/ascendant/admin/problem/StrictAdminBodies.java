package io.ascendant.admin.problem;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;
import org.jboss.resteasy.reactive.server.core.CurrentRequestManager;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;

/**
 * Unknown JSON fields in admin request bodies are refused (400 problem naming the field, via {@link ProblemMappers}),
 * so a misspelt {@code budgetAmout} never silently leaves a budget unset.
 *
 * <p>The application's one {@link ObjectMapper} ignores unknown fields (Quarkus's default), which the tenant API needs:
 * OpenAI and Anthropic clients send fields we do not model. So this handler decides per request: it fails only while
 * a request under {@code /admin/} is being read.
 */
@Singleton
public class StrictAdminBodies implements ObjectMapperCustomizer {

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
                if (onAdminPath()) {
                    throw UnrecognizedPropertyException.from(
                            p,
                            beanOrClass,
                            propertyName,
                            deserializer == null ? null : deserializer.getKnownPropertyNames());
                }
                return false;
            }
        });
    }

    static boolean onAdminPath() {
        ResteasyReactiveRequestContext rc = CurrentRequestManager.get();
        if (rc == null) {
            return false;
        }
        String path = rc.getPath();
        return path != null && (path.startsWith(ProblemMappers.ADMIN_PREFIX) || path.equals("/admin"));
    }
}
