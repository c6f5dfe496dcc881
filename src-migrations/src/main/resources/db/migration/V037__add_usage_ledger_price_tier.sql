-- The price tier a usage row was rated with: the price book's model name, which a catalogue route may set apart from
-- its public name (route deepseek-v4-window priced as deepseek-v4-pro). model stays the name the tenant requested
-- (usage reports and rollups show it); price_tier says what was priced, so an UNPRICED row (no version to look at)
-- still names the tier it must be re-rated with once that tier has a price.
--
-- NULL means the row was written before this column existed, when the ledger rated every row by model: its tier is
-- model. Old rows are not filled in, because the ledger is append-only (usage_ledger_append_only trigger) and
-- rewriting every row would take a long lock on a large table; readers take coalesce(price_tier, model).
-- Adding a nullable column without a default only changes the catalogue, whatever the table's size.
ALTER TABLE usage_ledger ADD COLUMN price_tier varchar(128) NULL;
