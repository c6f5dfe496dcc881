-- Rotation chains are walked from a key to its successors (api_key.rotated_from = predecessor): the budgets view
-- groups key budgets by chain, and each step of that walk looks keys up by rotated_from. Without an index every step
-- scans the tenant's keys. Most keys were never rotated, so only the rows that have a predecessor are indexed.
create index api_key_rotated_from_idx on api_key (rotated_from) where rotated_from is not null;
