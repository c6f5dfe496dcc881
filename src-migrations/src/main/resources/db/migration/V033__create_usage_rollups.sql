-- Rollups kept up to date in the same transaction as the ledger insert (incremental upserts).
-- price_version_id 0 stands for UNPRICED rows (the key columns must be NOT NULL).
-- Hourly buckets are UTC hours of finished_at; daily buckets are billing_day (local day in the account zone), which
-- is what invoices are drafted from. fillfactor 70 leaves room for HOT updates (the upserts never change a key).
CREATE TABLE usage_rollup_hour (
    tenant_id         uuid            NOT NULL,
    hour_start        timestamptz     NOT NULL,
    project_id        uuid            NOT NULL,
    key_id            uuid            NOT NULL,
    model             varchar(128)    NOT NULL,
    currency          char(3)         NOT NULL,
    price_version_id  bigint          NOT NULL,
    price_window      varchar(16)     NOT NULL,
    requests          bigint          NOT NULL,
    cache_hit_tokens  bigint          NOT NULL,
    cache_miss_tokens bigint          NOT NULL,
    output_tokens     bigint          NOT NULL,
    reasoning_tokens  bigint          NOT NULL,
    amount            numeric(38, 16) NOT NULL,
    PRIMARY KEY (tenant_id, hour_start, project_id, key_id, model, currency, price_version_id, price_window)
) WITH (fillfactor = 70);

CREATE TABLE usage_rollup_day (
    tenant_id         uuid            NOT NULL,
    day               date            NOT NULL,
    project_id        uuid            NOT NULL,
    key_id            uuid            NOT NULL,
    model             varchar(128)    NOT NULL,
    currency          char(3)         NOT NULL,
    price_version_id  bigint          NOT NULL,
    price_window      varchar(16)     NOT NULL,
    requests          bigint          NOT NULL,
    cache_hit_tokens  bigint          NOT NULL,
    cache_miss_tokens bigint          NOT NULL,
    output_tokens     bigint          NOT NULL,
    reasoning_tokens  bigint          NOT NULL,
    amount            numeric(38, 16) NOT NULL,
    PRIMARY KEY (tenant_id, day, project_id, key_id, model, currency, price_version_id, price_window)
) WITH (fillfactor = 70);

CREATE INDEX usage_rollup_day_by_day ON usage_rollup_day (day, tenant_id);
