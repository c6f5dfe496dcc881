package io.ascendant.admin.tenancy;

import io.ascendant.tenancy.access.AdminActor;
import io.ascendant.tenancy.access.AdminRole;
import io.ascendant.tenancy.tenant.TenantService;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The admin caller of the current request, from the OIDC token: subject, preferred username, admin roles
 * ({@code realm_access.roles}) and the tenant mapped from the {@code organization} claim (Keycloak 26 Organizations:
 * a list of organization aliases, or an object keyed by alias with {@code organization:*}). Our tenant table is the
 * source of truth: an alias that matches no tenant slug gives no tenant.
 *
 * <p>Billing admin resources use it too: {@code currentAdmin.actor()} plus
 * {@code TenantAccessPolicy.requireBillingRead(actor, tenantId)}.
 */
@RequestScoped
public class CurrentAdmin {

    private static final Set<String> ADMIN_ROLES =
            Set.of(AdminRole.PLATFORM_ADMIN, AdminRole.TENANT_ADMIN, AdminRole.BILLING_VIEWER);

    @Inject
    SecurityIdentity identity;

    @Inject
    TenantService tenants;

    private AdminActor actor;

    /** The caller (computed once per request). */
    public AdminActor actor() {
        if (actor == null) {
            actor = resolve();
        }
        return actor;
    }

    private AdminActor resolve() {
        Set<String> roles =
                identity.getRoles().stream().filter(ADMIN_ROLES::contains).collect(Collectors.toUnmodifiableSet());
        String subject = identity.getPrincipal().getName();
        String username = subject;
        Optional<UUID> tenant = Optional.empty();
        if (identity.getPrincipal() instanceof JsonWebToken jwt) {
            subject = jwt.getSubject() == null ? subject : jwt.getSubject();
            String preferred = jwt.getClaim("preferred_username");
            username = preferred == null ? subject : preferred;
            for (String alias : organizations(jwt.getClaim("organization"))) {
                tenant = tenants.tenantOfOrganization(alias);
                if (tenant.isPresent()) {
                    break;
                }
            }
        }
        return new AdminActor(subject, username, roles, tenant);
    }

    /** Organization aliases from the claim, whatever its shape. */
    static List<String> organizations(Object claim) {
        List<String> out = new ArrayList<>();
        if (claim == null) {
            return out;
        }
        if (claim instanceof JsonArray arr) {
            for (JsonValue v : arr) {
                if (v instanceof JsonString s) {
                    out.add(s.getString());
                }
            }
        } else if (claim instanceof JsonObject obj) {
            out.addAll(obj.keySet());
        } else if (claim instanceof JsonString s) {
            out.add(s.getString());
        } else if (claim instanceof String s) {
            out.add(s);
        } else if (claim instanceof Iterable<?> it) {
            it.forEach(v -> out.add(String.valueOf(v)));
        }
        return out;
    }
}
