-- Billing account per tenant (billing cannot depend on tenancy, so it keeps its own row keyed by the tenant id).
CREATE TABLE billing_account (
    tenant_id        uuid          PRIMARY KEY,
    display_name     varchar(200)  NOT NULL CHECK (length(display_name) > 0),
    currency         char(3)       NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    time_zone        varchar(64)   NOT NULL,
    tax_rate_percent numeric(7, 4) NOT NULL DEFAULT 0 CHECK (tax_rate_percent >= 0 AND tax_rate_percent <= 100),
    discount_percent numeric(7, 4) NOT NULL DEFAULT 0 CHECK (discount_percent >= 0 AND discount_percent <= 100),
    created_at       timestamptz   NOT NULL DEFAULT now(),
    updated_at       timestamptz   NOT NULL DEFAULT now()
);

-- Rows of append-only billing tables are never updated or deleted (ledger, price book).
CREATE FUNCTION billing_reject_mutation() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'table % is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
