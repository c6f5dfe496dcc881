package io.ascendant.tenancy.keycloak;

import io.ascendant.tenancy.TenancyConfig;
import io.ascendant.tenancy.common.TenancyException;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.keycloak.OAuth2Constants;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.KeycloakBuilder;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.OrganizationRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * {@link OrganizationDirectory} on the Keycloak admin REST API (quarkus-keycloak-admin-rest-client), authenticated as
 * the service account of the platform's confidential client (client-credentials grant). Server URL, realm, client id and
 * secret default to the admin OIDC settings ({@code quarkus.oidc.*}), so one Keycloak configuration serves both.
 *
 * <p>Failures: any transport error or 5xx becomes {@link TenancyException.Unavailable} (the command is not applied);
 * there is no retry here because creating an organization is not idempotent by id.
 */
@ApplicationScoped
public class KeycloakOrganizationDirectory implements OrganizationDirectory {

    @Inject
    TenancyConfig config;

    private volatile Keycloak keycloak;
    private volatile String realm;

    @Override
    public String createOrganization(String alias, String name) {
        if (!config.keycloak().enabled()) {
            return null;
        }
        OrganizationRepresentation org = new OrganizationRepresentation();
        // Organization names are unique in Keycloak, display names of tenants need not be: name = alias = slug; the
        // display name lives in our tenant table (the source of truth) and in the description.
        org.setAlias(alias);
        org.setName(alias);
        org.setDescription(name);
        org.setEnabled(true);
        try (Response r = createWithDomainFallback(org)) {
            if (r.getStatus() == 409) {
                throw new TenancyException.Conflict("slug", "a Keycloak organization named '" + alias + "' exists");
            }
            if (r.getStatus() != 201) {
                throw new TenancyException.Unavailable(
                        "Keycloak refused to create organization '" + alias + "' (HTTP " + r.getStatus() + ")", null);
            }
            return idFromLocation(r.getLocation());
        } catch (ProcessingException | WebApplicationException e) {
            throw new TenancyException.Unavailable("Keycloak is unavailable: " + e.getMessage(), e);
        }
    }

    /**
     * Keycloak versions differ on whether an organization needs a domain; try without one first, then with a
     * placeholder domain under the reserved {@code .invalid} TLD-like suffix that no real user e-mail matches.
     */
    private Response createWithDomainFallback(OrganizationRepresentation org) {
        Response r = realm().organizations().create(org);
        if (r.getStatus() != 400) {
            return r;
        }
        r.close();
        org.addDomain(new org.keycloak.representations.idm.OrganizationDomainRepresentation(
                org.getAlias() + ".tenants.ascendant.internal"));
        return realm().organizations().create(org);
    }

    @Override
    public void deleteOrganizationQuietly(String organizationId) {
        if (organizationId == null || !config.keycloak().enabled()) {
            return;
        }
        try (Response r = realm().organizations().get(organizationId).delete()) {
            Log.infof("deleted Keycloak organization %s (compensation, HTTP %d)", organizationId, r.getStatus());
        } catch (RuntimeException e) {
            Log.warnf("could not delete Keycloak organization %s: %s", organizationId, e.getMessage());
        }
    }

    @Override
    public Invitation invite(String organizationId, String email, String role, String firstName, String lastName) {
        if (!config.keycloak().enabled() || organizationId == null) {
            return new Invitation(null, false);
        }
        try {
            RealmResource rr = realm();
            List<UserRepresentation> existing = rr.users().searchByEmail(email, true);
            String userId;
            if (existing.isEmpty()) {
                UserRepresentation u = new UserRepresentation();
                u.setUsername(email);
                u.setEmail(email);
                u.setEnabled(true);
                u.setEmailVerified(false);
                u.setFirstName(firstName == null || firstName.isBlank() ? null : firstName.strip());
                u.setLastName(lastName == null || lastName.isBlank() ? null : lastName.strip());
                u.setRequiredActions(List.of("UPDATE_PASSWORD", "VERIFY_EMAIL"));
                try (Response r = rr.users().create(u)) {
                    if (r.getStatus() != 201) {
                        throw new TenancyException.Unavailable(
                                "Keycloak refused to create user (HTTP " + r.getStatus() + ")", null);
                    }
                    userId = idFromLocation(r.getLocation());
                }
            } else {
                userId = existing.getFirst().getId();
            }
            RoleRepresentation roleRep = rr.roles().get(role).toRepresentation();
            rr.users().get(userId).roles().realmLevel().add(List.of(roleRep));
            try (Response r = rr.organizations().get(organizationId).members().addMember(userId)) {
                if (r.getStatus() != 201 && r.getStatus() != 204 && r.getStatus() != 409) {
                    throw new TenancyException.Unavailable(
                            "Keycloak refused to add the member (HTTP " + r.getStatus() + ")", null);
                }
            }
            boolean sent;
            try {
                rr.users().get(userId).executeActionsEmail(List.of("UPDATE_PASSWORD", "VERIFY_EMAIL"));
                sent = true;
            } catch (RuntimeException e) {
                Log.infof(
                        "invitation e-mail for user %s not sent (is SMTP configured in the realm?): %s",
                        userId, e.getMessage());
                sent = false;
            }
            return new Invitation(userId, sent);
        } catch (ProcessingException | WebApplicationException e) {
            throw new TenancyException.Unavailable("Keycloak is unavailable: " + e.getMessage(), e);
        }
    }

    @PreDestroy
    void close() {
        Keycloak k = keycloak;
        if (k != null) {
            k.close();
        }
    }

    private RealmResource realm() {
        Keycloak k = keycloak;
        if (k == null) {
            synchronized (this) {
                k = keycloak;
                if (k == null) {
                    k = build();
                    keycloak = k;
                }
            }
        }
        return k.realm(realm);
    }

    private Keycloak build() {
        Config cfg = ConfigProvider.getConfig();
        TenancyConfig.Keycloak kc = config.keycloak();
        String authServer = cfg.getOptionalValue("quarkus.oidc.auth-server-url", String.class)
                .orElse(null);
        String serverUrl = kc.serverUrl().orElseGet(() -> baseOf(authServer));
        String realmName = kc.realm().orElseGet(() -> realmOf(authServer));
        String clientId = kc.clientId()
                .or(() -> cfg.getOptionalValue("quarkus.oidc.client-id", String.class))
                .orElseThrow(() -> new IllegalStateException("tenancy.keycloak.client-id is not set"));
        String secret = kc.clientSecret()
                .or(() -> cfg.getOptionalValue("quarkus.oidc.credentials.secret", String.class))
                .orElseThrow(() -> new IllegalStateException("tenancy.keycloak.client-secret is not set"));
        if (serverUrl == null || realmName == null) {
            throw new IllegalStateException(
                    "Keycloak location unknown: set tenancy.keycloak.server-url and tenancy.keycloak.realm, or"
                            + " quarkus.oidc.auth-server-url (…/realms/<realm>)");
        }
        this.realm = realmName;
        return KeycloakBuilder.builder()
                .serverUrl(serverUrl)
                .realm(realmName)
                .grantType(OAuth2Constants.CLIENT_CREDENTIALS)
                .clientId(clientId)
                .clientSecret(secret)
                .build();
    }

    static String baseOf(String authServerUrl) {
        if (authServerUrl == null) {
            return null;
        }
        int i = authServerUrl.indexOf("/realms/");
        return i < 0 ? null : authServerUrl.substring(0, i);
    }

    static String realmOf(String authServerUrl) {
        if (authServerUrl == null) {
            return null;
        }
        int i = authServerUrl.indexOf("/realms/");
        if (i < 0) {
            return null;
        }
        String rest = authServerUrl.substring(i + "/realms/".length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    private static String idFromLocation(URI location) {
        if (location == null) {
            throw new TenancyException.Unavailable("Keycloak answered without a Location header", null);
        }
        String path = location.getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
