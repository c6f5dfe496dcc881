package io.ascendant.billing.invoice;

/** An invoice proper, or the credit note that cancels a voided invoice. */
public enum InvoiceKind {
    INVOICE,
    CREDIT_NOTE
}
