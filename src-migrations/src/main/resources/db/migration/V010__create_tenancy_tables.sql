-- Tenancy: plans, tenants, projects, API keys, limits and budgets, tenant admins, audit log.
-- Every row that belongs to a tenant carries tenant_id; child rows reference their parent together with the tenant id
-- (composite foreign keys), so a row can never point at another tenant's parent.

create table plan (
    id          uuid primary key,
    code        varchar(64)  not null,
    name        varchar(200) not null,
    description varchar(2000),
    created_at  timestamptz  not null default now(),
    updated_at  timestamptz  not null default now(),
    constraint plan_code_uk unique (code),
    constraint plan_code_ck check (code ~ '^[a-z0-9][a-z0-9-]{0,63}$')
);

create table tenant (
    id              uuid primary key,
    slug            varchar(63)  not null,
    display_name    varchar(200) not null,
    status          varchar(16)  not null,
    currency        varchar(3)   not null,
    time_zone       varchar(64)  not null,
    plan_id         uuid         not null references plan (id),
    keycloak_org_id varchar(64),
    created_at      timestamptz  not null default now(),
    updated_at      timestamptz  not null default now(),
    constraint tenant_slug_uk unique (slug),
    constraint tenant_keycloak_org_uk unique (keycloak_org_id),
    constraint tenant_slug_ck check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    constraint tenant_status_ck check (status in ('ACTIVE', 'SUSPENDED', 'CLOSED')),
    constraint tenant_currency_ck check (currency ~ '^[A-Z]{3}$')
);

create table project (
    id           uuid primary key,
    tenant_id    uuid         not null references tenant (id),
    name         varchar(100) not null,
    description  varchar(2000),
    status       varchar(16)  not null,
    created_at   timestamptz  not null default now(),
    updated_at   timestamptz  not null default now(),
    constraint project_tenant_name_uk unique (tenant_id, name),
    constraint project_tenant_id_uk unique (tenant_id, id),
    constraint project_status_ck check (status in ('ACTIVE', 'ARCHIVED'))
);

-- An API key. The secret is never stored: secret_hash = HMAC-SHA-256(pepper, full key text). The key text embeds
-- public_id, which is how a presented key finds its row; last4 is for display only.
create table api_key (
    id             uuid primary key,
    tenant_id      uuid         not null,
    project_id     uuid         not null,
    public_id      varchar(32)  not null,
    name           varchar(100) not null,
    secret_hash    bytea        not null,
    last4          varchar(4)   not null,
    allowed_models varchar(100)[] not null default '{}',
    status         varchar(16)  not null,
    expires_at     timestamptz,
    created_at     timestamptz  not null default now(),
    created_by     varchar(200) not null,
    last_used_at   timestamptz,
    revoked_at     timestamptz,
    rotated_from   uuid references api_key (id),
    constraint api_key_public_id_uk unique (public_id),
    constraint api_key_tenant_id_uk unique (tenant_id, id),
    constraint api_key_project_fk foreign key (tenant_id, project_id) references project (tenant_id, id),
    constraint api_key_status_ck check (status in ('ACTIVE', 'REVOKED')),
    constraint api_key_hash_len_ck check (octet_length(secret_hash) = 32)
);
-- Keyset pagination: ids are time-ordered (UUIDv7), so (tenant_id, id) is creation order.
create index api_key_tenant_page_ix on api_key (tenant_id, id);
create index api_key_project_page_ix on api_key (tenant_id, project_id, id);
create index api_key_tenant_name_ix on api_key (tenant_id, lower(name) varchar_pattern_ops, id);

-- Limits and budgets as data. One row per (scope, owner, model); model '*' applies to every model, a named model
-- overrides it field by field. Null means "no limit at this level". Plans hold the defaults of tenant-level limits.
create table limit_set (
    id                  uuid primary key,
    scope               varchar(8)   not null,
    owner_id            uuid         not null,
    tenant_id           uuid references tenant (id),
    model               varchar(100) not null default '*',
    requests_per_minute integer,
    tokens_per_minute   bigint,
    concurrent_requests integer,
    budget_period       varchar(8),
    budget_tokens       bigint,
    budget_amount       numeric(20, 6),
    updated_at          timestamptz  not null default now(),
    updated_by          varchar(200) not null,
    constraint limit_set_owner_model_uk unique (scope, owner_id, model),
    constraint limit_set_scope_ck check (scope in ('PLAN', 'TENANT', 'PROJECT', 'KEY')),
    constraint limit_set_tenant_ck check ((scope = 'PLAN') = (tenant_id is null)),
    constraint limit_set_period_ck check (budget_period is null or budget_period in ('DAY', 'MONTH')),
    constraint limit_set_budget_period_ck check (
        (budget_tokens is null and budget_amount is null) or budget_period is not null),
    constraint limit_set_nonneg_ck check (
        coalesce(requests_per_minute, 0) >= 0 and coalesce(tokens_per_minute, 0) >= 0
        and coalesce(concurrent_requests, 0) >= 0 and coalesce(budget_tokens, 0) >= 0
        and coalesce(budget_amount, 0) >= 0)
);
create index limit_set_tenant_ix on limit_set (tenant_id);

-- People invited to administer a tenant (the Keycloak user is created and made a member of the organization).
create table tenant_admin (
    id               uuid primary key,
    tenant_id        uuid         not null references tenant (id),
    email            varchar(320) not null,
    role             varchar(32)  not null,
    keycloak_user_id varchar(64),
    status           varchar(16)  not null,
    invited_at       timestamptz  not null default now(),
    invited_by       varchar(200) not null,
    constraint tenant_admin_email_uk unique (tenant_id, email),
    constraint tenant_admin_role_ck check (role in ('tenant-admin', 'billing-viewer')),
    constraint tenant_admin_status_ck check (status in ('INVITED', 'ACTIVE'))
);

-- Every admin change: who, what, when, before/after (secrets redacted before they get here).
create table audit_log (
    id          uuid primary key,
    occurred_at timestamptz  not null default now(),
    tenant_id   uuid,
    actor       varchar(200) not null,
    actor_roles varchar(200) not null,
    action      varchar(64)  not null,
    target_type varchar(32)  not null,
    target_id   varchar(64),
    before_state jsonb,
    after_state  jsonb
);
create index audit_log_tenant_ix on audit_log (tenant_id, id);
create index audit_log_action_ix on audit_log (action, id);
create index audit_log_target_ix on audit_log (target_type, target_id, id);

-- Cache invalidation for API-key authentication on every replica: a change to a key's auth-relevant columns or a
-- tenant's status sends a notification the gateways LISTEN to. Fired by the database, so manual SQL invalidates too.
create function tenancy_notify_api_key() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        perform pg_notify('tenancy_auth', 'key:' || old.public_id);
        return old;
    end if;
    perform pg_notify('tenancy_auth', 'key:' || new.public_id);
    return new;
end $$;

create trigger api_key_auth_notify
    after insert or delete or update of status, expires_at, allowed_models, secret_hash, project_id, tenant_id
    on api_key for each row execute function tenancy_notify_api_key();

create function tenancy_notify_tenant() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        perform pg_notify('tenancy_auth', 'tenant:' || old.id);
        return old;
    end if;
    perform pg_notify('tenancy_auth', 'tenant:' || new.id);
    if tg_op = 'UPDATE' and old.plan_id is distinct from new.plan_id then
        perform pg_notify('tenancy_limits', 'tenant:' || new.id);
    end if;
    return new;
end $$;

create trigger tenant_auth_notify
    after delete or update of status, currency, time_zone, plan_id
    on tenant for each row execute function tenancy_notify_tenant();

create function tenancy_notify_limits() returns trigger language plpgsql as $$
declare
    r limit_set;
begin
    if tg_op = 'DELETE' then r := old; else r := new; end if;
    perform pg_notify('tenancy_limits', lower(r.scope) || ':' || r.owner_id);
    return r;
end $$;

create trigger limit_set_notify
    after insert or update or delete on limit_set for each row execute function tenancy_notify_limits();

-- Default plans. Limits are per tenant; budgets are per calendar month in the tenant's time zone and currency.
insert into plan (id, code, name, description) values
    ('0190a0e0-0000-7000-8000-000000000001', 'free', 'Free', 'Evaluation: small rate limits and a token budget'),
    ('0190a0e0-0000-7000-8000-000000000002', 'standard', 'Standard', 'Production use with moderate limits'),
    ('0190a0e0-0000-7000-8000-000000000003', 'enterprise', 'Enterprise', 'High limits; budgets set per tenant');

insert into limit_set (id, scope, owner_id, model, requests_per_minute, tokens_per_minute, concurrent_requests,
                       budget_period, budget_tokens, budget_amount, updated_by) values
    ('0190a0e0-0000-7000-8000-000000000101', 'PLAN', '0190a0e0-0000-7000-8000-000000000001', '*',
        20, 40000, 2, 'MONTH', 2000000, null, 'migration'),
    ('0190a0e0-0000-7000-8000-000000000102', 'PLAN', '0190a0e0-0000-7000-8000-000000000002', '*',
        600, 2000000, 32, null, null, null, 'migration'),
    ('0190a0e0-0000-7000-8000-000000000103', 'PLAN', '0190a0e0-0000-7000-8000-000000000003', '*',
        6000, 20000000, 256, null, null, null, 'migration');
