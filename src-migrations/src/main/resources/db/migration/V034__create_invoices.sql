-- Invoices and credit notes. A DRAFT is recomputable (its lines are replaced); FINALIZED is immutable except for
-- the move to VOID, which always comes with a CREDIT_NOTE (kind) that references the voided invoice.
-- Numbers are gap-free per (prefix, year) and are assigned at finalisation from invoice_number_counter in the
-- finalising transaction (a rollback returns the number).
CREATE TABLE invoice (
    id                  uuid           PRIMARY KEY,
    tenant_id           uuid           NOT NULL REFERENCES billing_account (tenant_id),
    kind                varchar(16)    NOT NULL CHECK (kind IN ('INVOICE', 'CREDIT_NOTE')),
    status              varchar(16)    NOT NULL CHECK (status IN ('DRAFT', 'FINALIZED', 'VOID')),
    number              varchar(32)    NULL UNIQUE,
    period_start        date           NOT NULL,
    period_end          date           NOT NULL,
    time_zone           varchar(64)    NOT NULL,
    currency            char(3)        NOT NULL,
    bill_to_name        varchar(200)   NOT NULL,
    subtotal            numeric(20, 4) NOT NULL,
    discount_percent    numeric(7, 4)  NOT NULL,
    discount_amount     numeric(20, 4) NOT NULL,
    tax_rate_percent    numeric(7, 4)  NOT NULL,
    tax_amount          numeric(20, 4) NOT NULL,
    total               numeric(20, 4) NOT NULL,
    issue_date          date           NULL,
    due_date            date           NULL,
    credited_invoice_id uuid           NULL REFERENCES invoice (id),
    void_reason         varchar(500)   NULL,
    drafted_at          timestamptz    NOT NULL DEFAULT now(),
    finalized_at        timestamptz    NULL,
    voided_at           timestamptz    NULL,
    CONSTRAINT invoice_period CHECK (period_end > period_start),
    CONSTRAINT invoice_numbered CHECK ((status = 'DRAFT') = (number IS NULL)),
    CONSTRAINT credit_note_refs CHECK ((kind = 'CREDIT_NOTE') = (credited_invoice_id IS NOT NULL))
);

-- At most one live (draft or finalized) regular invoice per tenant and period; a voided one may be re-issued.
CREATE UNIQUE INDEX invoice_one_live_per_period ON invoice (tenant_id, period_start)
    WHERE kind = 'INVOICE' AND status <> 'VOID';
CREATE UNIQUE INDEX invoice_one_credit_note ON invoice (credited_invoice_id) WHERE kind = 'CREDIT_NOTE';
CREATE INDEX invoice_tenant_period ON invoice (tenant_id, period_start);

-- Lines: one per model x token class x price version x window (x service period for adjustments).
-- amount_precise is the exact sum; amount is rounded once to the currency's minor unit (HALF_UP).
CREATE TABLE invoice_line (
    invoice_id           uuid            NOT NULL REFERENCES invoice (id),
    line_no              int             NOT NULL,
    kind                 varchar(16)     NOT NULL CHECK (kind IN ('USAGE', 'ADJUSTMENT', 'CREDIT')),
    service_period_start date            NOT NULL,
    service_period_end   date            NOT NULL,
    model                varchar(128)    NOT NULL,
    token_class          varchar(16)     NOT NULL CHECK (token_class IN ('CACHE_HIT', 'CACHE_MISS', 'OUTPUT')),
    price_version_id     bigint          NOT NULL REFERENCES price_book_version (id),
    price_window         varchar(16)     NOT NULL CHECK (price_window IN ('STANDARD', 'PEAK', 'OFF_PEAK')),
    quantity_tokens      bigint          NOT NULL,
    unit_price_per_mtok  numeric(20, 10) NOT NULL,
    amount_precise       numeric(38, 16) NOT NULL,
    amount               numeric(20, 4)  NOT NULL,
    PRIMARY KEY (invoice_id, line_no)
);

CREATE INDEX invoice_line_service_period ON invoice_line (service_period_start);

CREATE TABLE invoice_number_counter (
    prefix     varchar(8) NOT NULL,
    year       int        NOT NULL,
    last_value bigint     NOT NULL,
    PRIMARY KEY (prefix, year)
);

-- Finalized documents are immutable: only FINALIZED -> VOID (with voided_at and void_reason) is allowed, and lines
-- of a non-draft invoice never change.
CREATE FUNCTION invoice_guard_update() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'DRAFT' THEN
            RAISE EXCEPTION 'invoice % is % and cannot be deleted', OLD.id, OLD.status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'VOID' THEN
        RAISE EXCEPTION 'invoice % is void and immutable', OLD.id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.status = 'FINALIZED' AND (NEW.status <> 'VOID'
        OR NEW.number IS DISTINCT FROM OLD.number OR NEW.total IS DISTINCT FROM OLD.total
        OR NEW.subtotal IS DISTINCT FROM OLD.subtotal OR NEW.tax_amount IS DISTINCT FROM OLD.tax_amount
        OR NEW.discount_amount IS DISTINCT FROM OLD.discount_amount OR NEW.issue_date IS DISTINCT FROM OLD.issue_date
        OR NEW.period_start IS DISTINCT FROM OLD.period_start) THEN
        RAISE EXCEPTION 'invoice % is finalized: only voiding is allowed', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER invoice_immutable_when_final
    BEFORE UPDATE OR DELETE ON invoice
    FOR EACH ROW EXECUTE FUNCTION invoice_guard_update();

CREATE FUNCTION invoice_line_guard() RETURNS trigger
    LANGUAGE plpgsql AS
$$
DECLARE
    s varchar(16);
BEGIN
    SELECT status INTO s FROM invoice WHERE id = coalesce(OLD.invoice_id, NEW.invoice_id);
    IF s IS DISTINCT FROM 'DRAFT' THEN
        RAISE EXCEPTION 'lines of a % invoice are immutable', s USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN coalesce(NEW, OLD);
END;
$$;

CREATE TRIGGER invoice_line_immutable_when_final
    BEFORE UPDATE OR DELETE ON invoice_line
    FOR EACH ROW EXECUTE FUNCTION invoice_line_guard();
