package io.ascendant.admin.tenancy;

import io.ascendant.admin.problem.AdminInstants;
import io.ascendant.tenancy.access.AdminRole;
import io.ascendant.tenancy.audit.AuditEntryView;
import io.ascendant.tenancy.audit.AuditQuery;
import io.ascendant.tenancy.audit.AuditService;
import io.ascendant.tenancy.common.Page;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The audit log of admin changes. */
@Path(AdminApi.V1 + "/audit")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({AdminRole.PLATFORM_ADMIN, AdminRole.TENANT_ADMIN})
@Tag(name = "Audit log")
public class AuditResource {

    @Inject
    CurrentAdmin current;

    @Inject
    AuditService audit;

    @GET
    @Operation(summary = "Audit log, filterable (platform admins: everything; tenant admins: their tenant)")
    public Page<AuditEntryView> all(
            @QueryParam("tenantId") UUID tenantId,
            @QueryParam("action") String action,
            @QueryParam("targetType") String targetType,
            @QueryParam("targetId") String targetId,
            @QueryParam("actor") String actor,
            @QueryParam("since") Instant since,
            @QueryParam("until") Instant until,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit")
                    @Min(value = 1, message = Page.LIMIT_RANGE_MESSAGE)
                    @Max(value = Page.MAX_LIMIT, message = Page.LIMIT_RANGE_MESSAGE)
                    Integer limit) {
        return audit.list(
                current.actor(),
                new AuditQuery(
                        tenantId,
                        action,
                        targetType,
                        targetId,
                        actor,
                        AdminInstants.require("since", since),
                        AdminInstants.require("until", until)),
                cursor,
                limit);
    }
}
