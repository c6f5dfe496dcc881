package io.ascendant.gateway.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Injects the shared {@link KeycloakTokens} into a field of a {@code @QuarkusTest}: {@code @InjectKeycloak
 * KeycloakTokens keycloak;}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface InjectKeycloak {}
