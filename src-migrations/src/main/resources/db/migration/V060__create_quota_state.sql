-- Shared state of rate limits, concurrency limits and hard budgets (docs/quotas.md explains the protocol).
-- Limits themselves are tenancy's data (limit_set); these tables hold only counters, leases and settlements.

-- One counter per pool and period: a money or token budget of one period, or a concurrency pool (no period:
-- period_start = '-infinity'). Invariant kept by every grant (row locked, checked in the same transaction):
-- committed + reserved <= limit_amount, except that a settlement may push committed above its hold (actual cost
-- above the worst case, e.g. a price change mid-request): that debt blocks new grants until the period ends.
-- reserved = sum of quota_lease.amount of this account (leases are carved into per-request holds by replicas).
CREATE TABLE quota_account (
    id           bigserial       PRIMARY KEY,
    pool_key     varchar(200)    NOT NULL,
    period_start timestamptz     NOT NULL,
    period_end   timestamptz     NOT NULL,
    unit         varchar(16)     NOT NULL CHECK (unit IN ('MONEY', 'TOKENS', 'REQUESTS')),
    currency     char(3)         NULL,
    limit_amount numeric(38, 16) NOT NULL CHECK (limit_amount >= 0),
    committed    numeric(38, 16) NOT NULL DEFAULT 0 CHECK (committed >= 0),
    reserved     numeric(38, 16) NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    created_at   timestamptz     NOT NULL DEFAULT now(),
    CONSTRAINT quota_account_period CHECK (period_end > period_start),
    CONSTRAINT quota_account_key UNIQUE (pool_key, period_start)
);

-- A gateway replica taking part in leasing. heartbeat_at is written from the replica's clock; the sweeper declares a
-- replica dead when heartbeat_at is older than gateway.quota.replica-dead-after and releases all its leases.
CREATE TABLE quota_replica (
    replica_id   uuid        PRIMARY KEY,
    host         varchar(253) NOT NULL,
    started_at   timestamptz NOT NULL,
    heartbeat_at timestamptz NOT NULL
);

-- The slice of an account a replica holds: its unspent balance plus its outstanding per-request holds.
CREATE TABLE quota_lease (
    account_id bigint          NOT NULL REFERENCES quota_account (id),
    replica_id uuid            NOT NULL,
    amount     numeric(38, 16) NOT NULL CHECK (amount >= 0),
    updated_at timestamptz     NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, replica_id)
);
CREATE INDEX quota_lease_replica ON quota_lease (replica_id);

-- One row per settled (request, account): written in the ledger's transaction, so a hold is settled exactly once.
CREATE TABLE quota_settlement (
    request_id varchar(128)    NOT NULL,
    account_id bigint          NOT NULL REFERENCES quota_account (id),
    replica_id uuid            NOT NULL,
    held       numeric(38, 16) NOT NULL CHECK (held >= 0),
    actual     numeric(38, 16) NOT NULL CHECK (actual >= 0),
    settled_at timestamptz     NOT NULL DEFAULT now(),
    PRIMARY KEY (request_id, account_id)
);
CREATE INDEX quota_settlement_account ON quota_settlement (account_id);

-- GCRA state of a requests- or tokens-per-minute limit: the theoretical arrival time in nanoseconds since the
-- epoch. Replicas lease cells by advancing it; unused cells are given back by moving it back.
CREATE TABLE quota_rate (
    limit_key  varchar(200) PRIMARY KEY,
    tat_nanos  bigint       NOT NULL
);

-- Events for the admin API: soft thresholds crossed (once per account and threshold) and shadow refusals.
CREATE TABLE quota_event (
    id            bigserial       PRIMARY KEY,
    tenant_id     uuid            NOT NULL,
    kind          varchar(24)     NOT NULL CHECK (kind IN ('THRESHOLD', 'SHADOW_REFUSAL')),
    pool_key      varchar(200)    NOT NULL,
    account_id    bigint          NULL REFERENCES quota_account (id),
    threshold_pct int             NULL,
    limit_amount  numeric(38, 16) NULL,
    used_amount   numeric(38, 16) NULL,
    detail        varchar(500)    NULL,
    occurred_at   timestamptz     NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX quota_event_threshold_once ON quota_event (account_id, threshold_pct) WHERE kind = 'THRESHOLD';
CREATE INDEX quota_event_tenant ON quota_event (tenant_id, id);

-- Limits on trial: evaluated like tenancy's limit_set rows but never enforced; a would-be refusal is logged and
-- recorded as a SHADOW_REFUSAL event.
CREATE TABLE quota_shadow_limit (
    id                  uuid           PRIMARY KEY,
    scope               varchar(8)     NOT NULL CHECK (scope IN ('TENANT', 'PROJECT', 'KEY')),
    owner_id            uuid           NOT NULL,
    tenant_id           uuid           NOT NULL,
    model               varchar(100)   NOT NULL DEFAULT '*',
    requests_per_minute integer        NULL CHECK (requests_per_minute >= 0),
    tokens_per_minute   bigint         NULL CHECK (tokens_per_minute >= 0),
    concurrent_requests integer        NULL CHECK (concurrent_requests >= 0),
    budget_period       varchar(8)     NULL CHECK (budget_period IN ('DAY', 'MONTH')),
    budget_tokens       bigint         NULL CHECK (budget_tokens >= 0),
    budget_amount       numeric(20, 6) NULL CHECK (budget_amount >= 0),
    created_at          timestamptz    NOT NULL DEFAULT now(),
    CONSTRAINT quota_shadow_limit_uk UNIQUE (scope, owner_id, model),
    CONSTRAINT quota_shadow_limit_period CHECK (
        (budget_tokens IS NULL AND budget_amount IS NULL) OR budget_period IS NOT NULL)
);
