package io.ascendant.tenancy.tenant;

import java.time.Instant;
import java.util.UUID;

/**
 * A tenant as the admin API shows it.
 *
 * @param id tenant id
 * @param slug unique short name; also the Keycloak organization alias
 * @param displayName human name
 * @param status ACTIVE, SUSPENDED or CLOSED
 * @param currency ISO 4217 currency of budgets and invoices
 * @param timeZone IANA time zone of budget periods and invoices
 * @param plan plan code
 * @param keycloakOrganizationId the organization in Keycloak (null when organizations are disabled)
 * @param createdAt creation time
 * @param updatedAt last change
 */
public record TenantView(
        UUID id,
        String slug,
        String displayName,
        TenantStatus status,
        String currency,
        String timeZone,
        String plan,
        String keycloakOrganizationId,
        Instant createdAt,
        Instant updatedAt) {

    static TenantView of(Tenant t, String planCode) {
        return new TenantView(
                t.id,
                t.slug,
                t.displayName,
                t.status,
                t.currency,
                t.timeZone,
                planCode,
                t.keycloakOrgId,
                t.createdAt,
                t.updatedAt);
    }
}
