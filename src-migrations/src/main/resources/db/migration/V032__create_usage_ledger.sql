-- The usage ledger: one immutable row per metered request, keyed by the request id (a replay is a no-op).
-- amount is the exact unrounded charge (tokens x price per 1M / 1e6); invoices round once per line.
-- billing_day is the local date of finished_at in the account's time zone when the row was rated: the invoice
-- period a row belongs to. price_version_id is NULL only for price_window = 'UNPRICED'. It has no foreign key on
-- purpose: price_book_version rows are never deleted (trigger), and a per-row RI check would halve insert throughput.
CREATE TABLE usage_ledger (
    request_id         varchar(128)    PRIMARY KEY,
    tenant_id          uuid            NOT NULL,
    project_id         uuid            NOT NULL,
    key_id             uuid            NOT NULL,
    model              varchar(128)    NOT NULL,
    host_pod           varchar(253)    NULL,
    cache_hit_tokens   bigint          NOT NULL CHECK (cache_hit_tokens >= 0),
    cache_miss_tokens  bigint          NOT NULL CHECK (cache_miss_tokens >= 0),
    output_tokens      bigint          NOT NULL CHECK (output_tokens >= 0),
    reasoning_tokens   bigint          NOT NULL CHECK (reasoning_tokens >= 0 AND reasoning_tokens <= output_tokens),
    status             varchar(32)     NOT NULL
        CHECK (status IN ('COMPLETED', 'CANCELLED', 'FAILED_AFTER_PARTIAL_OUTPUT', 'FAILED')),
    counted_by_gateway boolean         NOT NULL,
    started_at         timestamptz     NOT NULL,
    finished_at        timestamptz     NOT NULL,
    billing_day        date            NOT NULL,
    currency           char(3)         NOT NULL,
    price_version_id   bigint          NULL,
    price_window       varchar(16)     NOT NULL CHECK (price_window IN ('STANDARD', 'PEAK', 'OFF_PEAK', 'UNPRICED')),
    amount             numeric(30, 16) NOT NULL CHECK (amount >= 0),
    recorded_at        timestamptz     NOT NULL DEFAULT now(),
    CONSTRAINT usage_ledger_priced CHECK ((price_window = 'UNPRICED') = (price_version_id IS NULL))
);

CREATE INDEX usage_ledger_tenant_day ON usage_ledger (tenant_id, billing_day);

CREATE TRIGGER usage_ledger_append_only
    BEFORE UPDATE OR DELETE ON usage_ledger
    FOR EACH ROW EXECUTE FUNCTION billing_reject_mutation();
