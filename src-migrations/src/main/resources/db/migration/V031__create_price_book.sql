-- Price book: one row per version of a model's prices in one currency, effective from an instant until the next
-- version of the same (model, currency, tenant) starts. Versions are never edited: a change is a new row.
-- tenant_id NULL = list price; non-NULL = that tenant's override (takes precedence over list prices).
-- Without peak windows the base rates are STANDARD; with windows the base rates are OFF_PEAK and peak_* are PEAK.
-- Peak windows: peak_hours local times 'HH:MM-HH:MM[,HH:MM-HH:MM...]' in peak_zone, on all days or weekdays only.
CREATE TABLE price_book_version (
    id                       bigserial      PRIMARY KEY,
    model                    varchar(128)   NOT NULL,
    currency                 char(3)        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    tenant_id                uuid           NULL,
    effective_from           timestamptz    NOT NULL,
    cache_hit_per_mtok       numeric(20, 10) NOT NULL CHECK (cache_hit_per_mtok >= 0),
    cache_miss_per_mtok      numeric(20, 10) NOT NULL CHECK (cache_miss_per_mtok >= 0),
    output_per_mtok          numeric(20, 10) NOT NULL CHECK (output_per_mtok >= 0),
    peak_zone                varchar(64)    NULL,
    peak_hours               varchar(200)   NULL,
    peak_weekdays_only       boolean        NOT NULL DEFAULT false,
    peak_cache_hit_per_mtok  numeric(20, 10) NULL CHECK (peak_cache_hit_per_mtok >= 0),
    peak_cache_miss_per_mtok numeric(20, 10) NULL CHECK (peak_cache_miss_per_mtok >= 0),
    peak_output_per_mtok     numeric(20, 10) NULL CHECK (peak_output_per_mtok >= 0),
    source                   varchar(500)   NULL,
    created_at               timestamptz    NOT NULL DEFAULT now(),
    created_by               varchar(200)   NOT NULL DEFAULT 'migration',
    CONSTRAINT price_book_peak_complete CHECK (
        (peak_zone IS NULL AND peak_hours IS NULL AND peak_cache_hit_per_mtok IS NULL
            AND peak_cache_miss_per_mtok IS NULL AND peak_output_per_mtok IS NULL)
        OR (peak_zone IS NOT NULL AND peak_hours IS NOT NULL AND peak_cache_hit_per_mtok IS NOT NULL
            AND peak_cache_miss_per_mtok IS NOT NULL AND peak_output_per_mtok IS NOT NULL))
);

CREATE UNIQUE INDEX price_book_version_key
    ON price_book_version (model, currency, coalesce(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid),
                           effective_from);

CREATE TRIGGER price_book_version_append_only
    BEFORE UPDATE OR DELETE ON price_book_version
    FOR EACH ROW EXECUTE FUNCTION billing_reject_mutation();
