package io.ascendant.gateway.testsupport;

import java.util.Optional;
import java.util.Set;

/**
 * A user of realm {@code ascendant} created for tests.
 *
 * @param id Keycloak's user id
 * @param username the login name, unique per server
 * @param password the password, usable with {@link KeycloakTokens#accessToken(TestUser)}
 * @param realmRoles the realm roles granted ({@code platform-admin}, {@code tenant-admin}, {@code billing-viewer})
 * @param organization the alias of the Keycloak organization the user is a member of, if any; tokens carry it in
 *     the {@code organization} claim
 */
public record TestUser(
        String id, String username, String password, Set<String> realmRoles, Optional<String> organization) {}
