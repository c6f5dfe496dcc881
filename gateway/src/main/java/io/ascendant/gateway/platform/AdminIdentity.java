package io.ascendant.gateway.platform;

import java.util.List;

/**
 * The caller of an admin endpoint as the gateway sees it after verifying the Keycloak bearer token.
 *
 * @param name the principal name ({@code preferred_username} of the token)
 * @param roles the realm roles the gateway recognised, sorted
 * @param organizations the aliases of the Keycloak organizations the caller belongs to (token claim {@code
 *     organization}), sorted; empty for platform staff
 */
public record AdminIdentity(String name, List<String> roles, List<String> organizations) {}
