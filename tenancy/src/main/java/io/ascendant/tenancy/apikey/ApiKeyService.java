package io.ascendant.tenancy.apikey;

import io.ascendant.tenancy.TenancyConfig;
import io.ascendant.tenancy.access.AdminActor;
import io.ascendant.tenancy.access.TenantAccessPolicy;
import io.ascendant.tenancy.audit.AuditService;
import io.ascendant.tenancy.catalogue.KnownModels;
import io.ascendant.tenancy.common.Ids;
import io.ascendant.tenancy.common.Page;
import io.ascendant.tenancy.common.TenancyException;
import io.ascendant.tenancy.common.Validation;
import io.ascendant.tenancy.limits.LimitScope;
import io.ascendant.tenancy.limits.LimitSet;
import io.ascendant.tenancy.limits.LimitSetRepository;
import io.ascendant.tenancy.project.Project;
import io.ascendant.tenancy.project.ProjectService;
import io.ascendant.tenancy.project.ProjectStatus;
import io.ascendant.tenancy.tenant.Tenant;
import io.ascendant.tenancy.tenant.TenantService;
import io.ascendant.tenancy.tenant.TenantStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * API-key commands and queries. The key text is generated here, returned once in {@link CreatedApiKey} and never
 * stored, logged or audited; only its HMAC is persisted.
 */
@ApplicationScoped
public class ApiKeyService {

    private static final Duration DEFAULT_OVERLAP = Duration.ofHours(24);

    private final SecureRandom random = new SecureRandom();

    @Inject
    ApiKeyRepository keys;

    @Inject
    ProjectService projects;

    @Inject
    TenantService tenants;

    @Inject
    LimitSetRepository limits;

    @Inject
    TenantAccessPolicy policy;

    @Inject
    AuditService audit;

    @Inject
    ApiKeyAuthentication authentication;

    @Inject
    TenancyConfig config;

    @Inject
    KnownModels knownModels;

    @Inject
    TransactionSynchronizationRegistry txRegistry;

    /**
     * Creates a key in an active project of a non-closed tenant.
     *
     * @throws TenancyException.NotFound when the project is not the tenant's
     * @throws TenancyException.Conflict when the project is archived or the tenant closed
     * @throws TenancyException.Invalid naming {@code allowedModels[i]} when a model is not in the catalogue, naming
     *     {@code scopes[i]} when a scope is unknown, {@code scopes} when the list is empty
     */
    @Transactional
    public CreatedApiKey create(AdminActor actor, UUID tenantId, UUID projectId, CreateApiKeyRequest r) {
        policy.requireManage(actor, tenantId);
        Project p = projects.require(tenantId, projectId);
        requireOpen(tenants.require(tenantId), p);
        List<String> models = normalizeModels(r.allowedModels());
        Set<ApiKeyScope> scopes = normalizeScopes(r.scopes());
        Issued issued = issue(actor, tenantId, projectId, r.name().strip(), models, scopes, r.expiresAt(), null);
        audit.record(actor, tenantId, "api_key.create", "api_key", issued.key.id.toString(), null, issued.view());
        return issued.created();
    }

    /** One key of the tenant. */
    @Transactional
    public ApiKeyView get(AdminActor actor, UUID tenantId, UUID keyId) {
        policy.requireManage(actor, tenantId);
        return ApiKeyView.of(require(tenantId, keyId));
    }

    /** Keyset page of the tenant's keys, filtered by project, status and name prefix / exact public id. */
    @Transactional
    public Page<ApiKeyView> list(
            AdminActor actor, UUID tenantId, ApiKeyRepository.Filter filter, String cursor, Integer limit) {
        policy.requireManage(actor, tenantId);
        tenants.requireExists(tenantId);
        int n = Page.limit(limit);
        var rows = keys.page(tenantId, filter, Page.decode(cursor).orElse(null), n).stream()
                .map(ApiKeyView::of)
                .toList();
        return Page.of(rows, n, ApiKeyView::id);
    }

    /**
     * Rotates a key: issues a new key (same project, name, allowed models, scopes and key limits) and keeps the old one valid
     * until {@code oldKeyValidUntil}.
     *
     * @throws TenancyException.Conflict when the key is revoked or expired, or already rotated:
     *     a key has at most one successor, and the message names it
     * @throws TenancyException.Invalid (field {@code oldKeyValidUntil}) outside now..now+max overlap
     */
    @Transactional
    public CreatedApiKey rotate(AdminActor actor, UUID tenantId, UUID keyId, RotateApiKeyRequest r) {
        policy.requireManage(actor, tenantId);
        ApiKey old = keys.findInTenantForUpdate(tenantId, keyId)
                .orElseThrow(() -> new TenancyException.NotFound("API key " + keyId));
        Project p = projects.require(tenantId, old.projectId);
        requireOpen(tenants.require(tenantId), p);
        Instant now = Instant.now();
        if (old.status != ApiKeyStatus.ACTIVE || (old.expiresAt != null && !now.isBefore(old.expiresAt))) {
            throw new TenancyException.Conflict("status", "only an active, unexpired key can be rotated");
        }
        // A second rotation would issue a second successor expiring with the first overlap (the old key's shortened
        // expiry) and leave two live keys in one chain; the successor is the key to rotate.
        var successor = keys.findSuccessor(tenantId, old.id);
        if (successor.isPresent()) {
            throw new TenancyException.Conflict(
                    null,
                    "API key " + old.id + " was already rotated; its successor is API key " + successor.get().id
                            + " (rotate the successor instead)");
        }
        Duration max = config.apiKeys().maxRotationOverlap();
        Instant until = r == null || r.oldKeyValidUntil() == null ? now.plus(DEFAULT_OVERLAP) : r.oldKeyValidUntil();
        if (until.isBefore(now) || until.isAfter(now.plus(max))) {
            throw new TenancyException.Invalid(
                    "oldKeyValidUntil", "oldKeyValidUntil must be between now and now + " + max.toDays() + " days");
        }
        if (old.expiresAt != null && until.isAfter(old.expiresAt)) {
            until = old.expiresAt;
        }
        Instant newExpiry = r != null && r.expiresAt() != null ? r.expiresAt() : old.expiresAt;
        ApiKeyView before = ApiKeyView.of(old);
        old.expiresAt = until;
        Issued issued = issue(
                actor,
                tenantId,
                old.projectId,
                old.name,
                List.of(old.allowedModels),
                ApiKeyScope.fromWireNames(old.scopes),
                newExpiry,
                old.id);
        for (LimitSet ls : limits.forOwner(LimitScope.KEY, tenantId, old.id)) {
            LimitSet copy = new LimitSet();
            copy.id = Ids.newId();
            copy.scope = LimitScope.KEY;
            copy.ownerId = issued.key.id;
            copy.tenantId = tenantId;
            copy.model = ls.model;
            copy.setValues(ls.values());
            copy.updatedAt = now;
            copy.updatedBy = actor.auditName();
            limits.persist(copy);
        }
        audit.record(actor, tenantId, "api_key.rotate", "api_key", old.id.toString(), before, ApiKeyView.of(old));
        audit.record(actor, tenantId, "api_key.create", "api_key", issued.key.id.toString(), null, issued.view());
        return issued.created();
    }

    /** Revokes a key; refused on every replica within a second. Revoking a revoked key changes nothing. */
    @Transactional
    public ApiKeyView revoke(AdminActor actor, UUID tenantId, UUID keyId) {
        policy.requireManage(actor, tenantId);
        ApiKey k = require(tenantId, keyId);
        if (k.status == ApiKeyStatus.REVOKED) {
            return ApiKeyView.of(k);
        }
        ApiKeyView before = ApiKeyView.of(k);
        k.status = ApiKeyStatus.REVOKED;
        k.revokedAt = Instant.now();
        ApiKeyView after = ApiKeyView.of(k);
        audit.record(actor, tenantId, "api_key.revoke", "api_key", k.id.toString(), before, after);
        return after;
    }

    /**
     * Replaces the scopes of an active, unexpired key. The change applies to the key's very next request on this
     * replica (its cache entry is dropped once the transaction commits) and on the others within a second (the
     * {@code api_key} trigger notifies the change like a revocation). Naming the scopes the key has changes nothing
     * and is not audited.
     *
     * @throws TenancyException.NotFound when the key is not the tenant's
     * @throws TenancyException.Conflict (field {@code status}) when the key is revoked or expired
     * @throws TenancyException.Invalid naming {@code scopes} when it is missing or empty, {@code scopes[i]} when a
     *     scope is unknown
     */
    @Transactional
    public ApiKeyView updateScopes(AdminActor actor, UUID tenantId, UUID keyId, UpdateApiKeyRequest r) {
        policy.requireManage(actor, tenantId);
        ApiKey k = require(tenantId, keyId);
        if (k.status != ApiKeyStatus.ACTIVE
                || (k.expiresAt != null && !Instant.now().isBefore(k.expiresAt))) {
            throw new TenancyException.Conflict("status", "only an active, unexpired key can have its scopes changed");
        }
        if (r == null || r.scopes() == null) {
            throw new TenancyException.Invalid(
                    "scopes", "scopes is required: the key's new scopes (known: " + ApiKeyScope.known() + ")");
        }
        String[] scopes = wireNames(normalizeScopes(r.scopes()));
        if (Arrays.equals(scopes, k.scopes)) {
            return ApiKeyView.of(k);
        }
        ApiKeyView before = ApiKeyView.of(k);
        k.scopes = scopes;
        ApiKeyView after = ApiKeyView.of(k);
        audit.record(actor, tenantId, "api_key.update", "api_key", k.id.toString(), before, after);
        dropFromKeyCacheAfterCommit(k.publicId);
        return after;
    }

    /**
     * Drops a key from this replica's key cache once the transaction has committed, so that its next request here is
     * authenticated with the committed row. The database notification does the same on every replica, but it arrives
     * up to a poll interval later; a request in that gap would still be served with the cached row.
     */
    private void dropFromKeyCacheAfterCommit(String publicId) {
        txRegistry.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {}

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    authentication.authenticator().invalidateKey(publicId);
                }
            }
        });
    }

    /** The key row scoped to the tenant (for other tenancy services, after their access check). */
    public ApiKey require(UUID tenantId, UUID keyId) {
        return keys.findInTenant(tenantId, keyId).orElseThrow(() -> new TenancyException.NotFound("API key " + keyId));
    }

    private record Issued(ApiKey key, String text) {
        ApiKeyView view() {
            return ApiKeyView.of(key);
        }

        CreatedApiKey created() {
            return new CreatedApiKey(view(), text);
        }
    }

    private Issued issue(
            AdminActor actor,
            UUID tenantId,
            UUID projectId,
            String name,
            List<String> models,
            Set<ApiKeyScope> scopes,
            Instant expiresAt,
            UUID rotatedFrom) {
        ApiKeyFormat.Generated g = ApiKeyFormat.generate(random);
        ApiKey k = new ApiKey();
        k.id = Ids.newId();
        k.tenantId = tenantId;
        k.projectId = projectId;
        k.publicId = g.publicId();
        k.name = name;
        k.secretHash = authentication.hasher().hash(g.text());
        k.last4 = g.text().substring(g.text().length() - 4);
        k.allowedModels = models.toArray(String[]::new);
        k.scopes = wireNames(scopes);
        k.status = ApiKeyStatus.ACTIVE;
        k.expiresAt = expiresAt;
        k.createdAt = Instant.now();
        k.createdBy = actor.auditName();
        k.rotatedFrom = rotatedFrom;
        keys.persist(k);
        return new Issued(k, g.text());
    }

    private static void requireOpen(Tenant t, Project p) {
        if (t.status == TenantStatus.CLOSED) {
            throw new TenancyException.Conflict("status", "tenant is closed");
        }
        if (p.status != ProjectStatus.ACTIVE) {
            throw new TenancyException.Conflict("projectId", "project is archived; re-activate it to issue keys");
        }
    }

    /** The wire names of non-empty {@code scopes} in declaration order, so every listing shows them the same way. */
    private static String[] wireNames(Set<ApiKeyScope> scopes) {
        return EnumSet.copyOf(scopes).stream().map(ApiKeyScope::wireName).toArray(String[]::new);
    }

    /** The scopes named; {@link ApiKeyScope#NEW_KEY_DEFAULT} when none are named; 400 for an empty list or a typo. */
    private static Set<ApiKeyScope> normalizeScopes(List<String> names) {
        if (names == null) {
            return ApiKeyScope.NEW_KEY_DEFAULT;
        }
        if (names.isEmpty()) {
            throw new TenancyException.Invalid(
                    "scopes", "scopes must name at least one scope (known: " + ApiKeyScope.known() + ")");
        }
        EnumSet<ApiKeyScope> out = EnumSet.noneOf(ApiKeyScope.class);
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String field = "scopes[" + i + "]";
            out.add(ApiKeyScope.fromWireName(name)
                    .orElseThrow(() -> new TenancyException.Invalid(
                            field,
                            field + " names an unknown scope " + (name == null ? "(null)" : "'" + name + "'")
                                    + " (known: " + ApiKeyScope.known() + ")")));
        }
        return out;
    }

    private List<String> normalizeModels(List<String> models) {
        if (models == null) {
            return List.of();
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (int i = 0; i < models.size(); i++) {
            String field = "allowedModels[" + i + "]";
            out.add(knownModels.requireAllowable(field, Validation.model(field, models.get(i), false)));
        }
        return List.copyOf(out);
    }
}
