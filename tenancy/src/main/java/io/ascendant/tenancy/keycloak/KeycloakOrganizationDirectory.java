package io.ascendant.tenancy.keycloak;

import io.ascendant.tenancy.TenancyConfig;
import io.ascendant.tenancy.common.TenancyException;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
 * <p>Failures: any transport error, timeout or 5xx becomes {@link TenancyException.Unavailable} (the command is not
 * applied); there is no retry here because creating an organization is not idempotent by id. Every call is bounded by
 * {@code tenancy.keycloak.connect-timeout} and {@code read-timeout}: the tenant service calls Keycloak inside its
 * database transaction, so an unbounded wait on a stalled Keycloak would hold that transaction (and the slug's index
 * entry) until the transaction reaper aborted it, answering nothing for a minute.
 *
 * <p>Trap: the HTTP client is built here (JAX-RS {@code ClientBuilder}, handed to
 * {@code KeycloakBuilder.resteasyClient}) rather than by the Quarkus extension's client provider, because that provider
 * builds it without timeouts (connect 15 s, read unbounded), a built client's connect timeout cannot be changed, and
 * the admin client has no timeout option of its own. Its JSON mapping is the provider's ({@link KeycloakJson}), so
 * representations travel exactly as they would through it.
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
        } catch (TenancyException e) {
            throw e;
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
    }

    @Override
    public Optional<String> findOrganization(String alias) {
        if (!config.keycloak().enabled()) {
            return Optional.empty();
        }
        try {
            // Exact search matches the name; ours equals the alias, and the alias is checked to be sure.
            return realm().organizations().search(alias, true, 0, 10).stream()
                    .filter(o -> alias.equals(o.getAlias()))
                    .map(OrganizationRepresentation::getId)
                    .findFirst();
        } catch (RuntimeException e) {
            throw unavailable(e);
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
                    if (r.getStatus() == 400) {
                        // Keycloak's user profile refused the input: the caller's to correct, not an outage
                        throw KeycloakUserRefusal.of(r.readEntity(String.class));
                    }
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
        } catch (TenancyException e) {
            throw e;
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
    }

    /** Checks the timeouts at start-up, so a bad value stops the application instead of the first tenant create. */
    void validate(@Observes StartupEvent start) {
        TenancyConfig.Keycloak kc = config.keycloak();
        requireTimeout("tenancy.keycloak.connect-timeout", kc.connectTimeout());
        requireTimeout("tenancy.keycloak.read-timeout", kc.readTimeout());
    }

    private static void requireTimeout(String key, Duration d) {
        if (d.isNegative() || d.toMillis() < 1 || d.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalStateException(key + " must be at least 1 ms and at most 24 days, was " + d);
        }
    }

    /**
     * The 503 for a failed call. The detail says what happened in plain words (never an exception class or URL); the
     * cause is logged by the admin API's mapper.
     */
    private TenancyException.Unavailable unavailable(RuntimeException e) {
        TenancyConfig.Keycloak kc = config.keycloak();
        String what = timedOut(e)
                ? "no answer within " + kc.connectTimeout().toMillis() + " ms (connect) / "
                        + kc.readTimeout().toMillis() + " ms (read)"
                : "the call failed";
        return new TenancyException.Unavailable("Keycloak unavailable: " + what + "; nothing was written", e);
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            // Vert.x and Netty signal timeouts with their own exception types; their names say so.
            if (t instanceof java.util.concurrent.TimeoutException
                    || t instanceof java.net.SocketTimeoutException
                    || t.getClass().getSimpleName().contains("Timeout")) {
                return true;
            }
        }
        return false;
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
                .resteasyClient(httpClient(kc))
                .serverUrl(serverUrl)
                .realm(realmName)
                .grantType(OAuth2Constants.CLIENT_CREDENTIALS)
                .clientId(clientId)
                .clientSecret(secret)
                .build();
    }

    /**
     * The admin client's HTTP client, built with the standard JAX-RS API: both timeouts, and the Keycloak-compatible
     * object mapper ({@link KeycloakJson}) for the JSON providers of Quarkus' REST client.
     */
    private static Client httpClient(TenancyConfig.Keycloak kc) {
        return ClientBuilder.newBuilder()
                .connectTimeout(kc.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(kc.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .register(new KeycloakJson())
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
