package io.ascendant.billing.invoice;

/**
 * USAGE: usage of the invoice's own period. ADJUSTMENT: usage of an earlier, already finalised period that arrived
 * after that invoice was finalised (its service period says which). CREDIT: a credit note's negation of a line.
 */
public enum LineKind {
    USAGE,
    ADJUSTMENT,
    CREDIT
}
