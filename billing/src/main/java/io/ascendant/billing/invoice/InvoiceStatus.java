package io.ascendant.billing.invoice;

/** Lifecycle of an invoice: DRAFT (recomputable) → FINALIZED (numbered, immutable) → VOID (with a credit note). */
public enum InvoiceStatus {
    DRAFT,
    FINALIZED,
    VOID
}
